#!/usr/bin/env bash
# pdf_text.sh - checks pdf_text_find on PDFs written here against
# poppler's word boxes (pdftotext -bbox), a tool nobody on the team wrote.
#
#   tests/e2e/pdf_text.sh [TOOL]  TOOL defaults to pdftext_tool beside
#                                 $SERTEL (build/test or build/asan)
#   E2E_REAL_PDFS="a.pdf b.pdf"   also cross-check words of real documents
#
# A small generator writes minimal PDFs (Helvetica WinAnsi, text under a
# scaled and rotated cm, an anchor split over three Tj, TJ kerning, a
# Type0 Identity-H font with a ToUnicode CMap and no font program,
# /Differences, a Form XObject, a /Contents array, several pages, a page
# with /Rotate 90). For each, the centre of our box must lie in poppler's
# box of the same word (for diagonal text, which poppler cuts into pieces,
# the union of the pieces spelling it), and the intersection must cover
# at least MIN_OVERLAP of each box. Bad files must fail with the right error, and
# a decompression bomb must stop at the cap.
set -eu
TOOL=${1:-$(dirname "${SERTEL:-build/test/sertel}")/pdftext_tool}
case $TOOL in /*) ;; *) TOOL=$PWD/$TOOL ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/pdftext-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
command -v pdftotext >/dev/null || { echo "e2e: pdftotext missing" >&2; exit 1; }
command -v qpdf >/dev/null || { echo "e2e: qpdf missing" >&2; exit 1; }

/usr/bin/python3 - "$TOOL" "$T" <<'PY'
import itertools, math, os, re, subprocess, sys, zlib

TOOL, D = sys.argv[1], sys.argv[2]
MIN_OVERLAP = 0.6

# Helvetica advance widths for ASCII 32-126 (Adobe AFM).
HW = [278,278,355,556,556,889,667,191,333,333,389,584,278,333,278,278,556,
      556,556,556,556,556,556,556,556,556,278,278,584,584,584,556,1015,667,
      667,722,722,667,611,778,722,278,500,667,556,833,722,778,667,778,722,
      667,611,722,667,944,667,667,611,278,278,278,469,556,333,556,556,500,
      556,556,278,556,556,222,222,500,222,833,556,556,556,556,333,500,278,
      556,500,722,500,500,500,334,260,334,584]
HELV = {32 + i: w for i, w in enumerate(HW)}

class PDF:
    """Objects 1 and 2 are the catalog and the page tree."""
    def __init__(self):
        self.objs, self.pages = [None, None], []
    def add(self, body):
        self.objs.append(body.encode('latin-1') if isinstance(body, str) else body)
        return len(self.objs)
    def stream(self, d, data, flate=False):
        data = data.encode('latin-1') if isinstance(data, str) else data
        if flate:
            data, d = zlib.compress(data, 9), d + ' /Filter /FlateDecode'
        return self.add(b'<< ' + d.encode() + b' /Length %d >>\nstream\n'
                        % len(data) + data + b'\nendstream')
    def page(self, contents, fonts='', xobjects='', extra=''):
        if isinstance(contents, int):
            contents = [contents]
        refs = ' '.join('%d 0 R' % x for x in contents)
        c = refs if len(contents) == 1 else '[' + refs + ']'
        self.pages.append(self.add(
            '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] '
            '/Contents %s /Resources << /Font << %s >> /XObject << %s >> >> '
            '%s >>' % (c, fonts, xobjects, extra)))
    def write(self, name):
        self.objs[0] = b'<< /Type /Catalog /Pages 2 0 R >>'
        self.objs[1] = ('<< /Type /Pages /Kids [%s] /Count %d >>' % (
            ' '.join('%d 0 R' % p for p in self.pages),
            len(self.pages))).encode()
        out, offs = bytearray(b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'), []
        for i, o in enumerate(self.objs):
            offs.append(len(out))
            out += b'%d 0 obj\n' % (i + 1) + o + b'\nendobj\n'
        x = len(out)
        out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(self.objs) + 1)
        for o in offs:
            out += b'%010d 00000 n \n' % o
        out += (b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n'
                % (len(self.objs) + 1, x))
        path = os.path.join(D, name)
        with open(path, 'wb') as f:
            f.write(bytes(out))
        return path

def std_font(p, base='Helvetica'):
    return p.add('<< /Type /Font /Subtype /Type1 /BaseFont /%s '
                 '/Encoding /WinAnsiEncoding >>' % base)

def one(name, content, base='Helvetica', extra='', flate=False):
    p = PDF()
    f = std_font(p, base)
    p.page(p.stream('', content, flate), '/F1 %d 0 R' % f, extra=extra)
    return p.write(name)

files = {}
files['helv'] = one('helv.pdf',
    'BT /F1 12 Tf 72 760 Td (Surat Keputusan Kepala Dinas) Tj '
    '0 -18 Td (Ditetapkan di Jakarta, 1 Juli 2024) Tj ET\n'
    'BT /F1 11 Tf 14 TL 350 220 Td (Kepala Dinas,) Tj T* T* (#ttd#) Tj '
    'T* (Budi Santoso, S.Kom) Tj ET\n')
files['cm_scale'] = one('cm_scale.pdf',
    'q 1.5 0 0 1.5 20 30 cm BT /F1 10 Tf 100 100 Td '
    '(Tanda tangan: #ttd# selesai) Tj ET Q\n')
files['cm_rot90'] = one('cm_rot90.pdf',
    'q 0 1 -1 0 400 100 cm BT /F1 12 Tf 50 50 Td '
    '(Tanda tangan #ttd# di sini) Tj ET Q\n')
a = math.radians(30)
files['cm_rot30'] = one('cm_rot30.pdf',
    'q %.5f %.5f %.5f %.5f 200 300 cm BT /F1 12 Tf 10 10 Td '
    '(Miring #ttd# teks) Tj ET Q\n' % (1.2 * math.cos(a), 1.2 * math.sin(a),
                                      -1.2 * math.sin(a), 1.2 * math.cos(a)))
# "#", "ttd", "#" in three text objects placed by Td, as word processors do.
w1, w2 = 556 * 12 / 1000, (278 + 278 + 556) * 12 / 1000
files['split3'] = one('split3.pdf',
    'BT /F1 12 Tf 72 500 Td (Jabatan:) Tj ET\n'
    'BT /F1 12 Tf 130 500 Td (#) Tj ET\n'
    'BT /F1 12 Tf %.3f 500 Td (ttd) Tj ET\n'
    'BT /F1 12 Tf %.3f 500 Td (#) Tj ET\n'
    'BT /F1 12 Tf 200 500 Td (akhir) Tj ET\n' % (130 + w1, 130 + w1 + w2))
files['kern'] = one('kern.pdf',
    'BT /F1 14 Tf 0.5 Tc 90 Tz 100 400 Td [(Paraf) -300 (:) -600 (#t) 40 '
    '(td) -20 (#)] TJ 0 Tc 100 Tz [( akhir)] TJ ET\n')
files['rotate90'] = one('rotate90.pdf',
    'BT /F1 12 Tf 100 300 Td (Diputar #ttd# halaman) Tj ET\n',
    extra='/Rotate 90')
files['courier_flate'] = one('courier_flate.pdf',
    'BT /F1 12 Tf 80 600 Td (Kode #ttd# Courier) Tj ET', 'Courier', flate=True)

# Type0 / Identity-H, CIDs as Arial's glyph ids (Unicode - 29), a
# ToUnicode CMap with both bfrange forms and a bfchar, /W, no FontFile2.
p = PDF()
tu = ('/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n'
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n'
      '/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n'
      '1 begincodespacerange <0000> <FFFF> endcodespacerange\n'
      '2 beginbfrange <0003> <0010> <0020> <0011> <005d> [' +
      ' '.join('<%04X>' % u for u in range(46, 123)) + '] endbfrange\n'
      '1 beginbfchar <0006> <0023> endbfchar\n'
      'endcmap CMapName currentdict /CMap defineresource pop end end\n')
tuo = p.stream('', tu, flate=True)
fd = p.add('<< /Type /FontDescriptor /FontName /ArialMT /Flags 32 '
           '/FontBBox [-665 -325 2000 1040] /ItalicAngle 0 /Ascent 905 '
           '/Descent -212 /CapHeight 716 /StemV 80 >>')
cf = p.add('<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ArialMT '
           '/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) '
           '/Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 /W [3 [%s]] '
           '/CIDToGIDMap /Identity >>'
           % (fd, ' '.join(str(HELV[c + 29]) for c in range(3, 94))))
f0 = p.add('<< /Type /Font /Subtype /Type0 /BaseFont /ArialMT /Encoding '
           '/Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>'
           % (cf, tuo))
hx = lambda s: '<' + ''.join('%04X' % (ord(ch) - 29) for ch in s) + '>'
p.page(p.stream('', 'BT /F2 12 Tf 72 600 Td %s Tj ET\n'
                'BT /F2 12 Tf 72 560 Td [%s -250 %s] TJ ET\n'
                % (hx('Nomor surat: 123/ABC'), hx('Penandatangan:'),
                   hx('#ttd#')), flate=True), '/F2 %d 0 R' % f0)
files['type0'] = p.write('type0.pdf')

# A Form XObject with /Matrix and resources of its own.
p = PDF()
f = std_font(p, 'Helvetica-Bold')
fx = p.stream('/Type /XObject /Subtype /Form /BBox [0 0 400 100] '
              '/Matrix [0.8 0 0 0.8 150 250] /Resources << /Font << /FB %d 0 R '
              '>> >>' % f, 'BT /FB 16 Tf 10 40 Td (Kotak #ttd# form) Tj ET')
p.page(p.stream('', 'q 1 0 0 1 10 20 cm /X1 Do Q\n'), xobjects='/X1 %d 0 R' % fx)
files['form'] = p.write('form.pdf')

# /Contents as an array whose streams split one text object.
p = PDF()
f = std_font(p, 'Times-Roman')
p.page([p.stream('', 'BT /F1 13 Tf', flate=True),
        p.stream('', '90 420 Td (Diketahui oleh #ttd# pejabat) Tj ET')],
       '/F1 %d 0 R' % f)
files['contents_array'] = p.write('contents_array.pdf')

# Three pages; "ttd" alone on page 2, the anchor on page 3.
p = PDF()
f = std_font(p, 'Times-Bold')
for i, t in enumerate(['Halaman satu', 'Halaman dua ttd #',
                       'Halaman tiga #ttd# akhir']):
    p.page(p.stream('', 'BT /F1 12 Tf 80 %d Td (%s) Tj ET' % (700 - 100 * i, t)),
           '/F1 %d 0 R' % f)
files['pages3'] = p.write('pages3.pdf')

# Codes 1-5 renamed by /Differences, with /Widths.
p = PDF()
f = p.add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 1 '
          '/LastChar 5 /Widths [556 278 556 278 667] /Encoding << /Type '
          '/Encoding /Differences [1 /numbersign /t /d /space /K] >> >>')
p.page(p.stream('', 'BT /F3 15 Tf 120 330 Td <05040102020301> Tj ET'),
       '/F3 %d 0 R' % f)
files['differences'] = p.write('differences.pdf')

# TrueType ArialMT with /Widths and a descriptor; a ${...} placeholder.
p = PDF()
fd = p.add('<< /Type /FontDescriptor /FontName /ArialMT /Flags 32 '
           '/FontBBox [-665 -325 2000 1040] /ItalicAngle 0 /Ascent 905 '
           '/Descent -212 /CapHeight 716 /StemV 80 >>')
f = p.add('<< /Type /Font /Subtype /TrueType /BaseFont /ArialMT /FirstChar 32 '
          '/LastChar 126 /Widths [%s] /Encoding /WinAnsiEncoding '
          '/FontDescriptor %d 0 R >>'
          % (' '.join(str(HELV[c]) for c in range(32, 127)), fd))
p.page(p.stream('', 'BT /TT1 10 Tf 300 150 Td (Kepala Badan ${ttd_kepala} ) '
                'Tj ET'), '/TT1 %d 0 R' % f)
files['truetype'] = p.write('truetype.pdf')

# Files that must fail.
files['broken'] = one('broken.pdf', 'BT /F1 12 Tf 72 700 Td (#ttd#) Tj (oops')
p = PDF()
f = std_font(p)
bomb = b'BT /F1 12 Tf 72 700 Td (#ttd#) Tj ET\n' + b' ' * (200 << 20)
p.page(p.stream('', bomb, flate=True), '/F1 %d 0 R' % f)
files['bomb'] = p.write('bomb.pdf')
del bomb

def tool(path, needle):
    r = subprocess.run([TOOL, path, needle], capture_output=True, text=True,
                       timeout=120)
    return r.returncode, r.stdout.strip(), r.stderr.strip()

def poppler_words(path):
    html = subprocess.run(['pdftotext', '-bbox', path, '-'],
                          capture_output=True, text=True, check=True).stdout
    pages = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>',
                         html, re.S):
        words = [(float(a), float(b), float(c), float(d), t.replace('&amp;', '&'))
                 for a, b, c, d, t in re.findall(
                     r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                     r'yMax="([\d.]+)">(.*?)</word>', m.group(3))]
        pages.append((float(m.group(1)), float(m.group(2)), words))
    return pages

def area(b):
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])

failed = passed = 0
def check(name, ok, msg):
    global failed, passed
    print('%-6s %-15s %s' % ('ok' if ok else 'not ok', name, msg))
    failed += not ok
    passed += bool(ok)

def pieces(words, needle):
    """poppler cuts text that is neither horizontal nor vertical into
    pieces along per-glyph baselines; the pieces that spell the needle,
    read left to right, stand for its word."""
    sub = sorted((w for w in words if w[4] and w[4] in needle),
                 key=lambda w: w[0])
    for n in range(1, min(len(sub), 6) + 1):
        for pick in itertools.combinations(sub, n):
            if ''.join(w[4] for w in pick) == needle:
                return list(pick)
    return []

def compare(name, needle, page, rotate=0):
    rc, out, err = tool(files[name], needle)
    if rc != 0:
        return check(name, False, 'tool: exit %d %s' % (rc, err))
    pg, x0, y0, x1, y1 = out.split()
    pg, ours = int(pg), [float(v) for v in (x0, y0, x1, y1)]
    if pg != page:
        return check(name, False, 'page %d, expected %d' % (pg, page))
    W, H, words = poppler_words(files[name])[pg - 1]
    cand = [w for w in words if w[4] == needle] or \
           [w for w in words if needle in w[4]] or pieces(words, needle)
    if not cand:
        return check(name, False, 'poppler has no word %r: %r' % (
            needle, [w[4] for w in words]))
    xm, ym = min(w[0] for w in cand), min(w[1] for w in cand)
    xM, yM = max(w[2] for w in cand), max(w[3] for w in cand)
    # poppler measures from the top left of the displayed page.
    if rotate == 90:   # displayed turned clockwise: x' = y, y' = x
        pop = [ym, xm, yM, xM]
    else:
        pop = [xm, H - yM, xM, H - ym]
    cx, cy = (ours[0] + ours[2]) / 2, (ours[1] + ours[3]) / 2
    inside = pop[0] <= cx <= pop[2] and pop[1] <= cy <= pop[3]
    ix = [max(ours[0], pop[0]), max(ours[1], pop[1]),
          min(ours[2], pop[2]), min(ours[3], pop[3])]
    inter = area(ix) if ix[0] < ix[2] and ix[1] < ix[3] else 0.0
    fo, fp = inter / area(ours), inter / area(pop)
    check(name, inside and fo >= MIN_OVERLAP and fp >= MIN_OVERLAP,
          'p%d ours [%.1f %.1f %.1f %.1f] poppler [%.1f %.1f %.1f %.1f] '
          'centre %s, overlap %.2f of ours %.2f of poppler\'s' % (
              pg, *ours, *pop, 'in' if inside else 'OUT', fo, fp))

for name, needle, page in [
        ('helv', '#ttd#', 1), ('cm_scale', '#ttd#', 1),
        ('cm_rot90', '#ttd#', 1), ('cm_rot30', '#ttd#', 1),
        ('split3', '#ttd#', 1), ('kern', '#ttd#', 1),
        ('courier_flate', '#ttd#', 1), ('type0', '#ttd#', 1),
        ('form', '#ttd#', 1), ('contents_array', '#ttd#', 1),
        ('pages3', '#ttd#', 3), ('differences', '#ttd#', 1),
        ('truetype', '${ttd_kepala}', 1)]:
    compare(name, needle, page)
compare('rotate90', '#ttd#', 1, rotate=90)

# An encrypted copy (AES-256, empty user password) reads the same.
enc = os.path.join(D, 'enc.pdf')
subprocess.run(['qpdf', '--encrypt', '', 'owner', '256', '--', files['helv'],
                enc], check=True)
a, b = tool(files['helv'], '#ttd#'), tool(enc, '#ttd#')
check('encrypted', a[0] == 0 and a[1] == b[1], 'plain %r encrypted %r' % (a[1], b[1]))

rc, out, err = tool(files['helv'], '#tidak-ada#')
check('not_found', rc == 1 and 'pdf_anchor_not_found' in err, err)
rc, out, err = tool(files['broken'], '#ttd#')
check('broken', rc == 2 and 'pdf_invalid' in err and 'unterminated string' in err, err)
rc, out, err = tool(files['bomb'], '#ttd#')
check('bomb', rc == 2 and 'pdf_invalid' in err and 'larger than' in err, err)
rc, out, err = tool(files['helv'], '')
check('empty_needle', rc == 1 and 'empty' in err, err)

# Optional: real documents named in E2E_REAL_PDFS. Every word that occurs
# once in a document (six or more letters and digits, inside no other
# word) is looked up and compared with poppler's box, up to 80 a file.
for path in os.environ.get('E2E_REAL_PDFS', '').split():
    pages = poppler_words(path)
    allw = [(i, w) for i, (_, _, ws) in enumerate(pages) for w in ws]
    count = {}
    for _, w in allw:
        count[w[4]] = count.get(w[4], 0) + 1
    texts = list(count)
    unique = [t for t in texts if count[t] == 1 and len(t) >= 6 and
              t.isalnum() and not any(t in o for o in texts if o != t)]
    unique = unique[::max(1, len(unique) // 80)][:80]
    bad = []
    for t in unique:
        i, w = next((i, w) for i, w in allw if w[4] == t)
        rc, out, err = tool(path, t)
        if rc != 0:
            bad.append('%s: %s' % (t, err))
            continue
        pg, *b = out.split()
        b = [float(v) for v in b]
        pop = [w[0], pages[i][1] - w[3], w[2], pages[i][1] - w[1]]
        ix = [max(b[0], pop[0]), max(b[1], pop[1]),
              min(b[2], pop[2]), min(b[3], pop[3])]
        inter = area(ix) if ix[0] < ix[2] and ix[1] < ix[3] else 0.0
        cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        if not (int(pg) == i + 1 and pop[0] <= cx <= pop[2] and
                pop[1] <= cy <= pop[3] and inter / area(b) >= MIN_OVERLAP
                and inter / area(pop) >= MIN_OVERLAP):
            bad.append('%s: p%s %r, poppler p%d %r' % (t, pg, b, i + 1, pop))
    check(os.path.basename(path)[:15], not bad and unique,
          '%d of %d unique words agree with poppler %s' % (
              len(unique) - len(bad), len(unique), '; '.join(bad[:3])))

print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
PY
