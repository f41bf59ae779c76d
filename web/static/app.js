/*
 * sertel portal: the pages reached from e-mailed links and the staff desk.
 *
 * One HTML file (portal.html) is served for every portal path; this
 * script picks the page from location.pathname (or from a "#/path" hash,
 * so that the pages also work where the server serves only one URL).
 * Each page has a load step (network) and a view step (pure: state ->
 * DOM through Dom.el), so the language switch re-draws the page from its
 * state without losing what the user typed.
 */
'use strict';

(function () {
	var el = Dom.el, fill = Dom.fill;
	var S = { lang: 'id', csrf: null, me: null, page: null, st: null,
	    hashMode: false };
	var ID_RE = '([A-Za-z0-9_-]{8,128})';
	var SELFIE_MAX = 2000000;

	/* ---- language ---- */

	function t(key, vars) {
		var d = I18N[S.lang] || I18N.id, s = d[key];
		if (s === undefined)
			s = I18N.id[key];
		if (s === undefined)
			s = key;
		if (vars)
			s = s.replace(/\{(\w+)\}/g, function (m, k) {
				return vars[k] === undefined ? m : String(vars[k]);
			});
		return s;
	}

	function initLang() {
		var q = /[?&]lang=(en|id)\b/.exec(location.search), saved = null;
		try {
			saved = localStorage.getItem('sertel.lang');
		} catch (e) { /* storage may be disabled */ }
		S.lang = q ? q[1] : saved === 'en' ? 'en' : 'id';
		if (q)
			try {
				localStorage.setItem('sertel.lang', S.lang);
			} catch (e) { /* ignored */ }
	}

	function setLang(l) {
		S.lang = l;
		try {
			localStorage.setItem('sertel.lang', l);
		} catch (e) { /* ignored */ }
		chrome();
		redraw(true);
		announce(t('lang.changed'));
	}

	/* The parts of portal.html outside <main>. */
	function chrome() {
		var b = document.getElementById('lang');
		document.documentElement.lang = S.lang;
		Dom.text(document.getElementById('skip'), t('skip'));
		Dom.text(document.getElementById('brand'), t('brand'));
		document.getElementById('brand').setAttribute('href',
		    S.lang === 'en' ? '/en' : '/');
		document.getElementById('nav').setAttribute('aria-label',
		    t('nav.label'));
		Dom.text(document.getElementById('nav-verify'), t('nav.verify'));
		Dom.text(document.getElementById('nav-staff'), t('nav.staff'));
		Dom.text(document.getElementById('nav-holder'), t('nav.holder'));
		Dom.text(document.getElementById('nav-sign'), t('nav.sign'));
		Dom.text(document.getElementById('nav-complaint'),
		    t('nav.complaint'));
		document.getElementById('nav-complaint').setAttribute('href',
		    href('/pengaduan'));
		document.getElementById('nav-holder').setAttribute('href',
		    href('/sertifikat'));
		document.getElementById('nav-sign').setAttribute('href',
		    href('/tanda-tangan'));
		document.getElementById('nav-verify').setAttribute('href',
		    href('/verifikasi'));
		document.getElementById('nav-staff').setAttribute('href',
		    href('/verifikator'));
		Dom.text(b, S.lang === 'en' ? 'Bahasa Indonesia' : 'English');
		b.setAttribute('lang', S.lang === 'en' ? 'id' : 'en');
		Dom.text(document.getElementById('foot'), t('foot'));
	}

	function announce(s) {
		var n = document.getElementById('status');
		Dom.text(n, '');
		setTimeout(function () { Dom.text(n, s); }, 50);
	}

	/* ---- network ---- */

	function api(method, path, body, opt) {
		var h = { 'Accept': 'application/json',
		    'Accept-Language': S.lang === 'en' ? 'en' : 'id' };
		var init = { method: method, headers: h,
		    credentials: 'same-origin', cache: 'no-store' };

		opt = opt || {};
		if (method !== 'GET' && S.csrf)
			h['X-CSRF-Token'] = S.csrf;
		if (body !== undefined && body !== null) {
			if (opt.type) {
				h['Content-Type'] = opt.type;
				init.body = body;
			} else {
				h['Content-Type'] = 'application/json';
				init.body = JSON.stringify(body);
			}
		}
		return fetch(path, init).then(function (r) {
			return r.text().then(function (txt) {
				var j = null;
				try {
					j = txt ? JSON.parse(txt) : null;
				} catch (e) {
					j = null;
				}
				return { status: r.status, ok: r.ok, data: j };
			});
		}, function () {
			return { status: 0, ok: false, data: null };
		});
	}

	/* The server's message for a failed answer, in the page's language. */
	function errText(r) {
		if (r.status === 0)
			return t('err.network');
		if (r.data && r.data.error && r.data.error.message)
			return r.data.error.message;
		return t('err.generic', { status: r.status });
	}

	function errCode(r) {
		return r.data && r.data.error ? r.data.error.code : '';
	}

	/* ---- routing ---- */

	/* Filled at the end, once every page object exists. */
	var routes = [];

	function path() {
		if (/^#\//.test(location.hash)) {
			S.hashMode = true;
			return location.hash.slice(1);
		}
		return location.pathname;
	}

	function href(p) {
		return S.hashMode ? '#' + p : p;
	}

	function go(p) {
		if (S.hashMode)
			location.hash = '#' + p;
		else {
			history.pushState(null, '', p);
			route(true);
		}
	}

	function route(moveFocus) {
		var p = path(), i, m;

		stopCamera();
		for (i = 0; i < routes.length; i++)
			if ((m = routes[i][0].exec(p)) !== null) {
				S.page = routes[i][1];
				S.st = { args: m.slice(1), focus: moveFocus };
				S.page.load(S.st);
				return;
			}
		S.page = pageNotFound;
		S.st = { focus: moveFocus };
		redraw(false);
	}

	/*
	 * Draws the current page from its state. keep: carry the values of
	 * the form fields over (the language switch).
	 */
	function redraw(keep) {
		var main = document.getElementById('main'), vals = {}, h;
		var act = document.activeElement, actId = null, onH1 = false;

		if (act && act !== main && main.contains(act)) {
			actId = act.id || null;
			onH1 = act.tagName === 'H1';
		}

		if (keep)
			Array.prototype.forEach.call(main.querySelectorAll(
			    'input[id], select[id], textarea[id]'), function (n) {
				if (n.type === 'checkbox' || n.type === 'radio')
					vals[n.id] = n.checked;
				else if (n.type !== 'file')
					vals[n.id] = n.value;
			});
		fill(main, S.page.view(S.st));
		if (keep)
			Object.keys(vals).forEach(function (k) {
				var n = document.getElementById(k);
				if (!n)
					return;
				if (n.type === 'checkbox' || n.type === 'radio')
					n.checked = vals[k];
				else
					n.value = vals[k];
				n.dispatchEvent(new Event('input'));
			});
		h = main.querySelector('h1');
		document.title = (h ? h.textContent + ' — ' : '') + t('brand');
		if ((S.st.focus || onH1) && h) {
			h.setAttribute('tabindex', '-1');
			h.focus();
			/* The loading view keeps the wish for the real page. */
			if (!h.classList.contains('loading'))
				S.st.focus = false;
		} else if (actId && document.getElementById(actId)) {
			document.getElementById(actId).focus();
		}
		if (S.page.after)
			S.page.after(S.st);
	}

	/* A state change of the page: draw it again and put focus on target. */
	function update(focusId) {
		redraw(true);
		if (focusId) {
			var n = document.getElementById(focusId);
			if (n) {
				if (!n.hasAttribute('tabindex') &&
				    !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(
				    n.tagName))
					n.setAttribute('tabindex', '-1');
				n.focus();
			}
		}
	}

	/* ---- building blocks ---- */

	function loading() {
		return [el('h1', { class: 'loading' }, t('loading')), el('p', null,
		    t('loading.wait'))];
	}

	function notice(kind, title, body, id) {
		return el('div', { class: 'notice ' + kind, id: id || null,
		    role: kind === 'error' ? 'alert' : null },
		    title ? el('p', { class: 'notice-title' }, title) : null,
		    body);
	}

	/* A labelled field: label, hint, the control, a place for its error. */
	function field(id, label, control, hint, err) {
		var desc = [];

		if (hint)
			desc.push('hint-' + id);
		if (err)
			desc.push('err-' + id);
		if (desc.length)
			control.setAttribute('aria-describedby', desc.join(' '));
		if (err)
			control.setAttribute('aria-invalid', 'true');
		return el('div', { class: 'field' + (err ? ' invalid' : '') },
		    el('label', { for: id }, label),
		    hint ? el('p', { class: 'hint', id: 'hint-' + id }, hint) :
		    null,
		    err ? el('p', { class: 'field-error', id: 'err-' + id },
		    err) : null,
		    control);
	}

	function input(id, attrs) {
		attrs = attrs || {};
		attrs.id = id;
		attrs.name = attrs.name || id;
		if (!attrs.type)
			attrs.type = 'text';
		return el('input', attrs);
	}

	/*
	 * The error summary at the top of a form: each error links to its
	 * field. errs: {fieldId: message} in the order of the form.
	 */
	function errorSummary(errs, general) {
		var keys = Object.keys(errs || {});

		if (!keys.length && !general)
			return null;
		return el('div', { class: 'notice error', id: 'errors',
		    tabindex: '-1', 'aria-labelledby': 'errors-title' },
		    el('h2', { id: 'errors-title', class: 'notice-title' },
		    keys.length ? t('err.summary', { n: keys.length }) :
		    t('err.title')),
		    general ? el('p', null, general) : null,
		    keys.length ? el('ul', null, keys.map(function (k) {
			return el('li', null, el('a', { href: '#' + k,
			    on: { click: function (ev) {
				var n = document.getElementById(k);
				ev.preventDefault();
				if (n)
					n.focus();
			} } }, errs[k]));
		    })) : null);
	}

	function dl(rows) {
		return el('dl', { class: 'facts-list' }, rows.filter(function (r) {
			return r[1] !== undefined && r[1] !== null && r[1] !== '';
		}).map(function (r) {
			return [el('dt', null, r[0]), el('dd', null, r[1])];
		}));
	}

	function fmtTime(epoch) {
		if (!epoch)
			return '';
		try {
			return new Intl.DateTimeFormat(S.lang === 'en' ?
			    'en-GB' : 'id-ID', { dateStyle: 'medium',
			    timeStyle: 'short', timeZone: 'Asia/Jakarta' }).format(
			    new Date(epoch * 1000)) + ' WIB';
		} catch (e) {
			return new Date(epoch * 1000).toISOString();
		}
	}

	function fmtIso(s) {
		var d = new Date(s);
		return isNaN(d) ? String(s) : fmtTime(Math.floor(d / 1000));
	}

	function statusText(s) {
		var k = 'status.' + s;
		var v = t(k);
		return v === k ? s : v;
	}

	function linkInvalid(st, which) {
		return [el('h1', null, t(which + '.title')),
		    notice('error', t('link.invalid.title'),
		    el('p', null, st.loadErr || t('link.invalid.body'))),
		    el('p', null, t('link.invalid.help'))];
	}

	/* ---- the selfie: camera, or a file when there is none ---- */

	var camera = { stream: null };

	function stopCamera() {
		if (camera.stream) {
			camera.stream.getTracks().forEach(function (x) {
				x.stop();
			});
			camera.stream = null;
		}
	}

	/*
	 * Draws a picture into a JPEG at least 480 x 640 (the server's lower
	 * bound) and at most 1600 pixels on its longer side, at most 2 MB.
	 * Re-encoding also drops the photo's metadata before it is sent.
	 */
	function toJpeg(src, w, h) {
		var longer = Math.max(w, h), shorter = Math.min(w, h), k = 1;
		var c = document.createElement('canvas'), q = 0.92, out;

		if (longer > 1600)
			k = 1600 / longer;
		if (shorter * k < 480)
			k = 480 / shorter;
		if (longer * k < 640)
			k = 640 / longer;
		c.width = Math.round(w * k);
		c.height = Math.round(h * k);
		c.getContext('2d').drawImage(src, 0, 0, c.width, c.height);
		do {
			out = c.toDataURL('image/jpeg', q);
			q -= 0.1;
		} while (out.length * 0.75 > SELFIE_MAX && q > 0.3);
		return out;
	}

	/* The selfie box of a form; st.selfie holds the taken picture. */
	function selfieBox(st) {
		var box = el('div', { id: 'selfie-box', class: 'selfie' });
		drawSelfie(box, st);
		return box;
	}

	function drawSelfie(box, st) {
		var hasCam = !!(navigator.mediaDevices &&
		    navigator.mediaDevices.getUserMedia);
		var err = st.errs && st.errs.selfie;
		var parts = [];

		if (err)
			parts.push(el('p', { class: 'field-error', id: 'err-selfie' },
			    err));
		if (st.selfieMsg)
			parts.push(el('p', { class: 'field-error', role: 'alert' },
			    st.selfieMsg));
		if (st.selfie) {
			parts.push(el('img', { src: st.selfie, alt: t('selfie.alt'),
			    class: 'selfie-img', id: 'selfie-img' }),
			    el('p', null, el('button', { type: 'button',
			    class: 'secondary', id: 'selfie-retake', on: {
			    click: function () {
				st.selfie = null;
				drawSelfie(box, st);
				focusLater(hasCam ? 'selfie-start' : 'selfie-file');
			    } } }, t('selfie.retake'))));
		} else if (camera.stream) {
			var v = el('video', { id: 'selfie-video', autoplay: true,
			    muted: true, playsinline: true,
			    'aria-label': t('selfie.preview') });
			v.srcObject = camera.stream;
			parts.push(v, el('p', { class: 'actions' },
			    el('button', { type: 'button', id: 'selfie-take',
			    on: { click: function () { take(box, st, v); } } },
			    t('selfie.take')), ' ',
			    el('button', { type: 'button', class: 'secondary',
			    id: 'selfie-stop', on: { click: function () {
				stopCamera();
				drawSelfie(box, st);
				focusLater('selfie-start');
			    } } }, t('selfie.stop'))));
		} else {
			if (hasCam)
				parts.push(el('p', null, el('button', {
				    type: 'button', id: 'selfie-start',
				    'aria-describedby': err ? 'err-selfie' :
				    null, on: { click: function () {
					startCamera(box, st);
				    } } }, t('selfie.start'))));
			parts.push(el('div', { class: 'field' },
			    el('label', { for: 'selfie-file' }, hasCam ?
			    t('selfie.file.or') : t('selfie.file')),
			    el('input', { type: 'file', id: 'selfie-file',
			    accept: 'image/jpeg,image/png', capture: 'user',
			    'aria-describedby': err ? 'err-selfie' : null,
			    on: { change: function (ev) {
				fromFile(box, st, ev.target.files[0]);
			    } } })));
		}
		fill(box, parts);
	}

	function focusLater(id) {
		setTimeout(function () {
			var n = document.getElementById(id);
			if (n)
				n.focus();
		}, 0);
	}

	function startCamera(box, st) {
		st.selfieMsg = null;
		/* No size constraints: the camera's own format, never cropped;
		 * toJpeg() scales it to what the server accepts. */
		navigator.mediaDevices.getUserMedia({ audio: false, video: {
		    facingMode: 'user' } }).then(function (s) {
			camera.stream = s;
			drawSelfie(box, st);
			focusLater('selfie-take');
			announce(t('selfie.on'));
		}, function () {
			st.selfieMsg = t('selfie.nocam');
			drawSelfie(box, st);
			focusLater('selfie-file');
		});
	}

	function take(box, st, v) {
		if (!v.videoWidth) {
			st.selfieMsg = t('selfie.notready');
			drawSelfie(box, st);
			focusLater('selfie-take');
			return;
		}
		st.selfie = toJpeg(v, v.videoWidth, v.videoHeight);
		st.selfieMsg = null;
		stopCamera();
		drawSelfie(box, st);
		focusLater('selfie-retake');
		announce(t('selfie.taken'));
	}

	function fromFile(box, st, f) {
		var url, img;

		st.selfieMsg = null;
		if (!f)
			return;
		if (!/^image\/(jpeg|png)$/.test(f.type)) {
			st.selfieMsg = t('selfie.type');
			drawSelfie(box, st);
			focusLater('selfie-file');
			return;
		}
		url = URL.createObjectURL(f);
		img = new Image();
		img.onload = function () {
			var w = img.naturalWidth, h = img.naturalHeight;
			if (Math.min(w, h) < 480 || Math.max(w, h) < 640) {
				st.selfieMsg = t('selfie.small');
			} else {
				st.selfie = toJpeg(img, w, h);
				announce(t('selfie.taken'));
			}
			URL.revokeObjectURL(url);
			drawSelfie(box, st);
			focusLater(st.selfie ? 'selfie-retake' : 'selfie-file');
		};
		img.onerror = function () {
			URL.revokeObjectURL(url);
			st.selfieMsg = t('selfie.type');
			drawSelfie(box, st);
			focusLater('selfie-file');
		};
		img.src = url;
	}

	/* ---- P2: the activation form ---- */

	var pageActivation = {
		load: function (st) {
			st.token = st.args[0];
			S.st = st;
			redraw(false);
			api('GET', '/api/v1/activation/' + st.token).then(
			    function (r) {
				st.loaded = true;
				if (r.ok)
					st.info = r.data;
				else
					st.loadErr = errCode(r) ===
					    'link_invalid' ? null : errText(r);
				st.bad = !r.ok;
				redraw(false);
			});
		},
		view: function (st) {
			if (!st.loaded)
				return loading();
			if (st.bad)
				return linkInvalid(st, 'act');
			if (st.done)
				return [el('h1', null, t('act.done.title')),
				    notice('ok', null, [el('p', null,
				    t('act.done.body')), el('p', null,
				    t('act.done.next'))])];
			return activationForm(st);
		},
		after: function (st) {
			showCategory(st);
		}
	};

	function showCategory() {
		var c = document.getElementById('category');
		if (!c)
			return;
		document.getElementById('f-nip').hidden = c.value !== 'ASN';
		document.getElementById('f-nrp').hidden = c.value !== 'POLRI';
	}

	function activationForm(st) {
		var e = st.errs || {}, info = st.info;
		var docs = info.documents || {};

		return [
			el('h1', null, t('act.title')),
			el('p', { class: 'lead' }, t('act.lead', { name: info.name,
			    email: info.email })),
			info.reason ? notice('warn', t('act.reason'),
			    el('p', null, info.reason)) : null,
			el('p', null, t('act.expires', { when:
			    fmtTime(info.expires_at) })),
			el('form', { id: 'act-form', novalidate: true,
			    on: { submit: function (ev) {
				ev.preventDefault();
				submitActivation(st);
			    } } },
			    errorSummary(st.summaryErrs, st.general),
			    el('fieldset', null, el('legend', null,
			    t('act.personal')),
			    field('nik', t('f.nik'), input('nik', {
			    inputmode: 'numeric', autocomplete: 'off',
			    maxlength: '16', required: true }), t('f.nik.hint'),
			    e.nik),
			    field('name', t('f.name'), input('name', {
			    autocomplete: 'name', maxlength: '128',
			    required: true, value: info.name }),
			    t('f.name.hint'), e.name),
			    field('birth_place', t('f.bplace'),
			    input('birth_place', { maxlength: '64',
			    required: true }), null, e.birth_place),
			    field('birth_date', t('f.bdate'), input('birth_date',
			    { type: 'date', autocomplete: 'bday', required: true,
			    min: '1900-01-01' }), t('f.bdate.hint'),
			    e.birth_date),
			    el('fieldset', { class: 'radios',
			    'aria-describedby': e.gender ? 'err-gender' : null },
			    el('legend', null, t('f.gender')),
			    e.gender ? el('p', { class: 'field-error',
			    id: 'err-gender' }, e.gender) : null,
			    el('div', null, input('gender-m', { type: 'radio',
			    name: 'gender', value: 'M' }), ' ',
			    el('label', { for: 'gender-m' }, t('f.gender.m'))),
			    el('div', null, input('gender-f', { type: 'radio',
			    name: 'gender', value: 'F' }), ' ',
			    el('label', { for: 'gender-f' }, t('f.gender.f'))))),
			    el('fieldset', null, el('legend', null, t('act.job')),
			    field('category', t('f.cat'), el('select', {
			    id: 'category', name: 'category', required: true,
			    on: { change: showCategory, input: showCategory } },
			    el('option', { value: '' }, t('f.cat.choose')),
			    el('option', { value: 'ASN' }, t('f.cat.asn')),
			    el('option', { value: 'POLRI' }, t('f.cat.polri')),
			    el('option', { value: 'NON_ASN' }, t('f.cat.non'))),
			    null, e.category),
			    el('div', { id: 'f-nip' }, field('nip', t('f.nip'),
			    input('nip', { inputmode: 'numeric', maxlength: '18',
			    autocomplete: 'off' }), t('f.nip.hint'), e.nip)),
			    el('div', { id: 'f-nrp' }, field('nrp', t('f.nrp'),
			    input('nrp', { inputmode: 'numeric', maxlength: '8',
			    autocomplete: 'off' }), t('f.nrp.hint'), e.nrp)),
			    field('unit', t('f.unit'), input('unit', {
			    maxlength: '128', autocomplete: 'organization-title',
			    required: true }), null, e.unit),
			    field('position', t('f.position'), input('position', {
			    maxlength: '128', required: true }), null,
			    e.position)),
			    el('fieldset', null, el('legend', null,
			    t('act.selfie')),
			    el('p', { class: 'hint' }, t('selfie.hint')),
			    selfieBox(st)),
			    el('fieldset', { 'aria-describedby': e.consent ?
			    'err-consent' : null }, el('legend', null,
			    t('act.consent')),
			    e.consent ? el('p', { class: 'field-error',
			    id: 'err-consent' }, e.consent) : null,
			    el('div', { class: 'check' }, input('consent-privacy',
			    { type: 'checkbox', required: true }), ' ',
			    el('label', { for: 'consent-privacy' },
			    t('act.consent.privacy', { v: docs.privacy_policy }))),
			    el('p', { class: 'hint indent' }, el('a', {
			    href: '/static/kebijakan-privasi.html',
			    target: '_blank', rel: 'noopener' },
			    t('act.consent.privacy.read'))),
			    el('div', { class: 'check' }, input('consent-agreement',
			    { type: 'checkbox', required: true }), ' ',
			    el('label', { for: 'consent-agreement' },
			    t('act.consent.agreement', { v:
			    docs.holder_agreement }))),
			    el('p', { class: 'hint indent' }, el('a', {
			    href: '/static/perjanjian-pemilik.html',
			    target: '_blank', rel: 'noopener' },
			    t('act.consent.agreement.read')))),
			    el('p', { class: 'actions' }, el('button', {
			    type: 'submit', id: 'act-submit',
			    disabled: st.busy }, st.busy ? t('sending') :
			    t('act.submit'))))
		];
	}

	function val(id) {
		var n = document.getElementById(id);
		return n ? n.value.trim() : '';
	}

	function checked(id) {
		var n = document.getElementById(id);
		return !!(n && n.checked);
	}

	function submitActivation(st) {
		var errs = {}, d, first, cat = val('category');
		var gender = checked('gender-m') ? 'M' : checked('gender-f') ?
		    'F' : '';

		if (!/^\d{16}$/.test(val('nik')))
			errs.nik = t('v.nik');
		if (!val('name'))
			errs.name = t('v.required', { f: t('f.name') });
		if (!val('birth_place'))
			errs.birth_place = t('v.required', { f: t('f.bplace') });
		if (!/^\d{4}-\d{2}-\d{2}$/.test(val('birth_date')))
			errs.birth_date = t('v.bdate');
		if (!gender)
			errs['gender-m'] = t('v.gender');
		if (!cat)
			errs.category = t('v.required', { f: t('f.cat') });
		if (cat === 'ASN' && !/^\d{18}$/.test(val('nip')))
			errs.nip = t('v.nip');
		if (cat === 'POLRI' && !/^\d{8}$/.test(val('nrp')))
			errs.nrp = t('v.nrp');
		if (!val('unit'))
			errs.unit = t('v.required', { f: t('f.unit') });
		if (!val('position'))
			errs.position = t('v.required', { f: t('f.position') });
		if (!st.selfie)
			errs[document.getElementById('selfie-start') ?
			    'selfie-start' : 'selfie-file'] = t('v.selfie');
		if (!checked('consent-privacy'))
			errs['consent-privacy'] = t('v.consent.privacy');
		if (!checked('consent-agreement'))
			errs['consent-agreement'] = t('v.consent.agreement');
		st.general = null;
		st.errs = inlineErrs(errs);
		if (Object.keys(errs).length) {
			showSummary(st, errs);
			return;
		}
		d = { nik: val('nik'), name: val('name'),
		    birth_place: val('birth_place'), birth_date: val('birth_date'),
		    gender: gender, category: cat, unit: val('unit'),
		    position: val('position'),
		    selfie: st.selfie.split(',')[1],
		    consent: { privacy_policy: st.info.documents.privacy_policy,
		    holder_agreement: st.info.documents.holder_agreement } };
		if (cat === 'ASN')
			d.nip = val('nip');
		if (cat === 'POLRI')
			d.nrp = val('nrp');
		st.busy = true;
		update('act-submit');
		api('POST', '/api/v1/activation/' + st.token, d).then(function (r) {
			var code = errCode(r), map;
			st.busy = false;
			if (r.ok) {
				st.done = true;
				st.errs = null;
				st.focus = true;
				redraw(false);
				return;
			}
			map = { nik_invalid: 'nik', nip_invalid: 'nip',
			    nrp_invalid: 'nrp', selfie_invalid: 'selfie-file',
			    selfie_too_large: 'selfie-file',
			    consent_required: 'consent-privacy' };
			errs = {};
			if (map[code]) {
				if (code.indexOf('selfie') === 0) {
					st.selfie = null;
					map[code] = document.getElementById(
					    'selfie-start') ? 'selfie-start' :
					    'selfie-file';
				}
				errs[map[code]] = errText(r);
			} else if (code === 'validation' && r.data.error.field) {
				errs[r.data.error.field] = errText(r);
			} else {
				st.general = errText(r);
			}
			if (code === 'link_invalid') {
				st.bad = true;
				st.loadErr = errText(r);
				st.focus = true;
				redraw(false);
				return;
			}
			st.errs = inlineErrs(errs);
			showSummary(st, errs);
		});
	}

	/* Field errors by the id of the field they are shown under. */
	function inlineErrs(errs) {
		var out = {};
		Object.keys(errs).forEach(function (k) {
			var f = k === 'gender-m' ? 'gender' :
			    /^consent-/.test(k) ? 'consent' :
			    /^selfie-/.test(k) ? 'selfie' : k;
			if (!out[f])
				out[f] = errs[k];
		});
		return out;
	}

	function showSummary(st, errs) {
		st.summaryErrs = errs;
		redraw(true);
		focusSummary(errs);
	}

	/* ---- P5: the passphrase ---- */

	var COMMON = ['password', 'passw0rd', 'qwerty', 'sandi', 'rahasia',
	    'indonesia', 'bismillah', 'katasandi', 'admin', 'welcome',
	    'letmein', 'iloveyou', 'merdeka', 'jakarta', 'sayang'];

	/* A rough guess of strength, 0..4: the server has the final word. */
	function strength(p, avoid) {
		var chars = Array.from(p), pool = 0, bits, low = p.toLowerCase();
		var score, i;

		if (!p)
			return 0;
		if (/[a-z]/.test(p))
			pool += 26;
		if (/[A-Z]/.test(p))
			pool += 26;
		if (/[0-9]/.test(p))
			pool += 10;
		if (/[^A-Za-z0-9]/.test(p))
			pool += 33;
		bits = chars.length * Math.log2(Math.max(pool, 2));
		if (/(.)\1\1/.test(p))
			bits -= 10;
		if (/(0123|1234|2345|3456|4567|5678|6789|abcd|qwer|asdf)/i.test(p))
			bits -= 12;
		for (i = 0; i < COMMON.length; i++)
			if (low.indexOf(COMMON[i]) !== -1)
				bits -= 20;
		for (i = 0; i < avoid.length; i++)
			if (avoid[i] && avoid[i].length >= 3 &&
			    low.indexOf(avoid[i].toLowerCase()) !== -1)
				bits -= 25;
		score = bits < 30 ? 0 : bits < 45 ? 1 : bits < 60 ? 2 :
		    bits < 80 ? 3 : 4;
		if (chars.length < 8)
			score = 0;
		return score;
	}

	function avoidList(info) {
		var a = [];
		if (!info)
			return a;
		(info.name || '').split(/\s+/).forEach(function (w) {
			a.push(w);
		});
		a.push((info.email || '').split('@')[0]);
		return a;
	}

	function meterUpdate(st) {
		var p = document.getElementById('pass1'), m, l, s;
		if (!p)
			return;
		s = strength(p.value, avoidList(st.info));
		m = document.getElementById('meter');
		l = document.getElementById('meter-text');
		m.value = p.value ? s + 1 : 0;
		m.className = 'meter s' + (p.value ? s : 'x');
		Dom.text(l, p.value ? t('pp.strength', { s: t('pp.s' + s) }) :
		    t('pp.strength.none'));
	}

	var pagePassphrase = {
		load: function (st) {
			st.token = st.args[0];
			S.st = st;
			redraw(false);
			api('GET', '/api/v1/passphrase/' + st.token).then(
			    function (r) {
				st.loaded = true;
				st.bad = !r.ok;
				if (r.ok)
					st.info = r.data;
				else if (errCode(r) !== 'link_invalid')
					st.loadErr = errText(r);
				redraw(false);
			});
		},
		view: function (st) {
			var e = st.errs || {};
			if (!st.loaded)
				return loading();
			if (st.bad)
				return linkInvalid(st, 'pp');
			if (st.result)
				return passphraseDone(st);
			return [
				el('h1', null, t('pp.title')),
				el('p', { class: 'lead' }, t('pp.lead',
				    { name: st.info.name })),
				el('ul', { class: 'tips' },
				    el('li', null, t('pp.tip1')),
				    el('li', null, t('pp.tip2')),
				    el('li', null, t('pp.tip3'))),
				el('form', { id: 'pp-form', novalidate: true,
				    on: { submit: function (ev) {
					ev.preventDefault();
					submitPassphrase(st);
				    } } },
				    errorSummary(st.summaryErrs, st.general),
				    field('pass1', t('pp.pass1'), input('pass1', {
				    type: 'password', autocomplete: 'new-password',
				    required: true, minlength: '8', spellcheck:
				    'false', on: { input: function () {
					meterUpdate(st);
				    } } }), t('pp.pass1.hint'), e.pass1),
				    el('div', { class: 'meter-box' },
				    el('meter', { id: 'meter', min: '0', max: '5',
				    low: '2', high: '4', optimum: '5', value: '0',
				    'aria-labelledby': 'meter-text',
				    class: 'meter' }),
				    el('p', { id: 'meter-text', 'aria-live':
				    'polite' }, t('pp.strength.none'))),
				    field('pass2', t('pp.pass2'), input('pass2', {
				    type: 'password', autocomplete: 'new-password',
				    required: true, spellcheck: 'false' }), null,
				    e.pass2),
				    el('div', { class: 'check' }, input('pp-show', {
				    type: 'checkbox', on: { change: function (ev) {
					['pass1', 'pass2'].forEach(function (k) {
						document.getElementById(k).type =
						    ev.target.checked ? 'text' :
						    'password';
					});
				    } } }), ' ', el('label', { for: 'pp-show' },
				    t('pp.show'))),
				    el('p', { class: 'actions' }, el('button', {
				    type: 'submit', id: 'pp-submit',
				    disabled: st.busy }, st.busy ? t('pp.busy') :
				    t('pp.submit'))))
			];
		},
		after: function (st) {
			meterUpdate(st);
		}
	};

	function passphraseDone(st) {
		var r = st.result;
		var blob = new Blob([r.certificate || ''], {
		    type: 'application/x-pem-file' });
		if (st.certUrl)
			URL.revokeObjectURL(st.certUrl);
		st.certUrl = URL.createObjectURL(blob);
		return [el('h1', null, t('pp.done.title')),
		    notice('ok', null, el('p', null, t('pp.done.body'))),
		    dl([[t('pp.done.status'), statusText(r.status)],
		    [t('pp.done.serial'), el('code', { class: 'wrap' },
		    r.serial)],
		    [t('pp.done.until'), fmtTime(r.not_after)]]),
		    el('p', null, el('a', { href: st.certUrl, download:
		    'sertifikat-' + String(r.serial).slice(0, 16) + '.pem',
		    id: 'cert-download', class: 'button' }, t('pp.done.dl'))),
		    el('p', null, t('pp.done.keep'))];
	}

	function submitPassphrase(st) {
		var p1 = document.getElementById('pass1').value;
		var p2 = document.getElementById('pass2').value;
		var errs = {};

		if (Array.from(p1).length < 8)
			errs.pass1 = t('v.pp.short');
		else if (new TextEncoder().encode(p1).length > 256)
			errs.pass1 = t('v.pp.long');
		if (!errs.pass1 && p1 !== p2)
			errs.pass2 = t('v.pp.match');
		st.general = null;
		st.errs = errs;
		st.summaryErrs = errs;
		if (Object.keys(errs).length) {
			redraw(true);
			focusSummary(errs);
			return;
		}
		st.busy = true;
		update('pp-submit');
		api('POST', '/api/v1/passphrase/' + st.token, { passphrase: p1 })
		    .then(function (r) {
			st.busy = false;
			if (r.ok) {
				st.result = r.data;
				st.focus = true;
				redraw(false);
				return;
			}
			if (errCode(r) === 'link_invalid') {
				st.bad = true;
				st.loadErr = errText(r);
				st.focus = true;
				redraw(false);
				return;
			}
			if (errCode(r) === 'weak_passphrase' ||
			    errCode(r) === 'validation')
				errs.pass1 = errText(r);
			else
				st.general = errText(r);
			st.errs = errs;
			st.summaryErrs = errs;
			redraw(true);
			focusSummary(errs);
		});
	}

	function focusSummary(errs) {
		var b = document.getElementById('errors');
		if (b)
			b.focus();
		announce(Object.keys(errs).length ? t('err.summary',
		    { n: Object.keys(errs).length }) : t('err.title'));
	}

	/* ---- a forgotten passphrase: prove oneself again ---- */

	var pageReissue = {
		load: function (st) {
			st.token = st.args[0];
			S.st = st;
			redraw(false);
			api('GET', '/api/v1/reissue/' + st.token).then(function (r) {
				st.loaded = true;
				st.bad = !r.ok;
				if (r.ok)
					st.info = r.data;
				else if (errCode(r) !== 'link_invalid')
					st.loadErr = errText(r);
				redraw(false);
			});
		},
		view: function (st) {
			if (!st.loaded)
				return loading();
			if (st.bad)
				return linkInvalid(st, 'ri');
			if (st.done)
				return [el('h1', null, t('ri.done.title')),
				    notice('ok', null, el('p', null,
				    t('ri.done.body')))];
			return [el('h1', null, t('ri.title')),
			    el('p', { class: 'lead' }, t('ri.lead',
			    { name: st.info.name })),
			    notice('warn', null, el('p', null, t('ri.warn'))),
			    el('form', { id: 'ri-form', novalidate: true, on: {
			    submit: function (ev) {
				ev.preventDefault();
				submitReissue(st);
			    } } }, errorSummary(st.summaryErrs, st.general),
			    st.info.selfie_required ? el('fieldset', null,
			    el('legend', null, t('act.selfie')),
			    el('p', { class: 'hint' }, t('selfie.hint')),
			    selfieBox(st)) : null,
			    el('p', { class: 'actions' }, el('button', {
			    type: 'submit', id: 'ri-submit', disabled: st.busy },
			    st.busy ? t('sending') : t('ri.submit'))))];
		}
	};

	function submitReissue(st) {
		var errs = {}, body = {};

		if (st.info.selfie_required && !st.selfie)
			errs[document.getElementById('selfie-start') ?
			    'selfie-start' : 'selfie-file'] = t('v.selfie');
		st.errs = inlineErrs(errs);
		st.summaryErrs = errs;
		st.general = null;
		if (Object.keys(errs).length) {
			redraw(true);
			focusSummary(errs);
			return;
		}
		if (st.selfie)
			body.selfie = st.selfie.split(',')[1];
		st.busy = true;
		update('ri-submit');
		api('POST', '/api/v1/reissue/' + st.token, body).then(function (r) {
			st.busy = false;
			if (r.ok) {
				st.done = true;
				st.focus = true;
				redraw(false);
				return;
			}
			st.general = errText(r);
			st.summaryErrs = {};
			redraw(true);
			focusSummary({});
		});
	}

	/* ---- staff: login, queue, decisions ---- */

	function whoami() {
		if (S.me)
			return Promise.resolve(S.me);
		return api('GET', '/api/v1/me').then(function (r) {
			if (r.ok && r.data && r.data.csrf_token) {
				S.me = r.data;
				S.csrf = r.data.csrf_token;
			}
			return S.me;
		});
	}

	function loginView(st) {
		var e = st.errs || {};
		return [el('h1', null, t('login.title')),
		    el('p', { class: 'lead' }, t('login.lead')),
		    el('form', { id: 'login-form', novalidate: true, on: {
		    submit: function (ev) {
			ev.preventDefault();
			doLogin(st);
		    } } }, errorSummary(st.summaryErrs, st.general),
		    field('username', t('login.user'), input('username', {
		    autocomplete: 'username', required: true,
		    autocapitalize: 'none', spellcheck: 'false' }), null,
		    e.username),
		    field('password', t('login.pass'), input('password', {
		    type: 'password', autocomplete: 'current-password',
		    required: true }), null, e.password),
		    field('totp', t('login.totp'), input('totp', {
		    inputmode: 'numeric', autocomplete: 'one-time-code',
		    maxlength: '6', required: true }), t('login.totp.hint'),
		    e.totp),
		    el('p', { class: 'actions' }, el('button', { type: 'submit',
		    id: 'login-submit', disabled: st.busy }, st.busy ?
		    t('sending') : t('login.submit'))))];
	}

	function doLogin(st) {
		var errs = {};
		if (!val('username'))
			errs.username = t('v.required', { f: t('login.user') });
		if (!document.getElementById('password').value)
			errs.password = t('v.required', { f: t('login.pass') });
		if (!/^\d{6}$/.test(val('totp')))
			errs.totp = t('v.totp');
		st.errs = errs;
		st.summaryErrs = errs;
		st.general = null;
		if (Object.keys(errs).length) {
			redraw(true);
			focusSummary(errs);
			return;
		}
		st.busy = true;
		update('login-submit');
		api('POST', '/api/v1/auth/login', { username: val('username'),
		    password: document.getElementById('password').value,
		    totp: val('totp') }).then(function (r) {
			st.busy = false;
			if (!r.ok) {
				st.general = errText(r);
				st.summaryErrs = {};
				redraw(true);
				document.getElementById('password').value = '';
				document.getElementById('totp').value = '';
				focusSummary({});
				return;
			}
			S.csrf = r.data.csrf_token;
			S.me = null;
			return whoami().then(function () {
				st.needLogin = false;
				st.focus = true;
				S.page.load(st);
			});
		});
	}

	function logoutButton() {
		return el('p', { class: 'who' }, t('staff.who', {
		    name: String(S.me.name).replace(/^user:/, ''), role: t('role.' + S.me.role),
		    agency: S.me.agency || '—' }), ' ',
		    el('button', { type: 'button', class: 'secondary small',
		    id: 'logout', on: { click: function () {
			api('POST', '/api/v1/auth/logout', {}).then(function () {
				S.me = null;
				S.csrf = null;
				go('/verifikator');
			});
		    } } }, t('staff.logout')));
	}

	/* Runs load only for a logged-in staff member; else the login form. */
	function staffPage(p) {
		return {
			load: function (st) {
				S.st = st;
				redraw(false);
				whoami().then(function (me) {
					if (!me) {
						st.needLogin = true;
						st.loaded = true;
						redraw(false);
						return;
					}
					p.load(st);
				});
			},
			view: function (st) {
				if (!st.loaded)
					return loading();
				if (st.needLogin)
					return loginView(st);
				return p.view(st);
			}
		};
	}

	var QUEUE_STATES = ['MANUAL_REVIEW', 'SUBMITTED', 'NEW', 'VERIFIED',
	    'REJECTED', 'CLOSED', 'CANCELLED', ''];

	var pageStaff = staffPage({
		load: function (st) {
			st.filter = st.filter === undefined ? 'MANUAL_REVIEW' :
			    st.filter;
			Promise.all([api('GET', '/api/v1/applications' +
			    (st.filter ? '?status=' + encodeURIComponent(
			    st.filter) : '')), api('GET',
			    '/api/v1/holder-requests?status=MANUAL_REVIEW')])
			    .then(function (rs) {
				var r = rs[0];
				st.loaded = true;
				if (r.status === 401) {
					S.me = null;
					st.needLogin = true;
				}
				st.apps = r.ok ? r.data.applications || [] : [];
				st.reqs = rs[1].ok ? rs[1].data.requests || [] : [];
				st.loadErr = r.ok ? null : errText(r);
				redraw(false);
			});
		},
		view: function (st) {
			return [el('h1', null, t('staff.title')), logoutButton(),
			    el('p', null, el('a', { href: href('/petugas/pengaduan'),
			    'data-nav': '1', id: 'to-desk' }, t('staff.desk.link')),
			    S.me.role === 'ADMIN' || S.me.role === 'RA' ? [' · ',
			    el('a', { href: href('/operator'), 'data-nav': '1',
			    id: 'to-operator' }, t('nav.operator'))] : null),
			    el('h2', { id: 'queue-h' }, t('staff.queue')),
			    el('div', { class: 'field inline' },
			    el('label', { for: 'filter' }, t('staff.filter')),
			    el('select', { id: 'filter', on: { change:
			    function (ev) {
				st.filter = ev.target.value;
				st.loaded = true;
				pageStaff.load(st);
			    } } }, QUEUE_STATES.map(function (s) {
				return el('option', { value: s, selected:
				    s === st.filter }, s ? statusText(s) :
				    t('staff.all'));
			    }))),
			    st.loadErr ? notice('error', null, el('p', null,
			    st.loadErr)) : null,
			    queueTable(st),
			    requestsTable(st),
			    registerForm(st),
			    bulkForm(st)];
		}
	});

	function queueTable(st) {
		var apps = st.apps || [];
		if (!apps.length)
			return el('p', { id: 'queue-empty' }, t('staff.empty'));
		return el('div', { class: 'table-wrap', role: 'region',
		    'aria-labelledby': 'queue-h', tabindex: '0' },
		    el('table', { id: 'queue' },
		    el('caption', null, t('staff.count', { n: apps.length })),
		    el('thead', null, el('tr', null,
		    el('th', { scope: 'col' }, t('col.name')),
		    el('th', { scope: 'col' }, t('col.email')),
		    el('th', { scope: 'col' }, t('col.status')),
		    el('th', { scope: 'col' }, t('col.due')))),
		    el('tbody', null, apps.map(function (a) {
			return el('tr', { class: a.overdue ? 'late' : null },
			    el('td', null, el('a', { href:
			    href('/verifikator/permohonan/' + a.id),
			    'data-nav': '1' }, a.name)),
			    el('td', null, a.email),
			    el('td', null, statusText(a.status)),
			    el('td', null, a.due_at ? fmtTime(a.due_at) : '—',
			    a.overdue ? el('strong', { class: 'badge late' },
			    ' ', t('staff.overdue')) : null));
		    }))));
	}

	/* Renewals and re-issues that wait for the verifier. */
	function requestsTable(st) {
		var q = st.reqs || [];
		return el('section', { 'aria-labelledby': 'reqs-h' },
		    el('h2', { id: 'reqs-h' }, t('staff.reqs')),
		    !q.length ? el('p', { id: 'reqs-empty' }, t('staff.reqs.empty')) :
		    el('div', { class: 'table-wrap', role: 'region',
		    'aria-labelledby': 'reqs-h', tabindex: '0' },
		    el('table', { id: 'reqs' },
		    el('caption', null, t('staff.reqs.count', { n: q.length })),
		    el('thead', null, el('tr', null,
		    el('th', { scope: 'col' }, t('col.name')),
		    el('th', { scope: 'col' }, t('hreq.kind')),
		    el('th', { scope: 'col' }, t('app.reason')),
		    el('th', { scope: 'col' }, t('hreq.created')))),
		    el('tbody', null, q.map(function (x) {
			return el('tr', null,
			    el('td', null, el('a', { href:
			    href('/verifikator/permintaan/' + x.id),
			    'data-nav': '1' }, x.holder_name || x.id)),
			    el('td', null, t('hreq.kind.' + x.kind)),
			    el('td', null, x.reason || ''),
			    el('td', null, fmtTime(x.created_at)));
		    })))));
	}

	function registerForm(st) {
		var e = st.regErrs || {};
		return el('section', { 'aria-labelledby': 'reg-h' },
		    el('h2', { id: 'reg-h' }, t('reg.title')),
		    st.regMsg ? notice(st.regOk ? 'ok' : 'error', null,
		    el('p', { id: 'reg-msg', tabindex: '-1' }, st.regMsg)) :
		    null,
		    el('form', { id: 'reg-form', novalidate: true, on: {
		    submit: function (ev) {
			ev.preventDefault();
			doRegister(st);
		    } } },
		    field('reg-name', t('reg.name'), input('reg-name', {
		    required: true, maxlength: '128', autocomplete: 'off' }),
		    null, e.name),
		    field('reg-email', t('reg.email'), input('reg-email', {
		    type: 'email', required: true, autocomplete: 'off' }),
		    t('reg.email.hint'), e.email),
		    S.me.agency ? null : field('reg-agency', t('reg.agency'),
		    input('reg-agency', { required: true,
		    autocapitalize: 'characters' }), t('reg.agency.hint'),
		    e.agency),
		    el('p', { class: 'actions' }, el('button', {
		    type: 'submit', id: 'reg-submit' }, t('reg.submit')))));
	}

	function doRegister(st) {
		var body = { name: val('reg-name'), email: val('reg-email') };
		st.regErrs = {};
		if (!body.name)
			st.regErrs.name = t('v.required', { f: t('reg.name') });
		if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.email))
			st.regErrs.email = t('v.email');
		if (!S.me.agency) {
			body.agency = val('reg-agency');
			if (!body.agency)
				st.regErrs.agency = t('v.required',
				    { f: t('reg.agency') });
		}
		if (Object.keys(st.regErrs).length) {
			st.regMsg = t('err.summary', { n:
			    Object.keys(st.regErrs).length });
			st.regOk = false;
			update('reg-msg');
			return;
		}
		api('POST', '/api/v1/applications', body).then(function (r) {
			st.regOk = r.ok;
			st.regMsg = r.ok ? t('reg.ok', { name: body.name,
			    email: body.email }) : errText(r);
			if (r.ok) {
				document.getElementById('reg-name').value = '';
				document.getElementById('reg-email').value = '';
			}
			update('reg-msg');
		});
	}

	function bulkForm(st) {
		var res = st.bulk;
		return el('section', { 'aria-labelledby': 'bulk-h' },
		    el('h2', { id: 'bulk-h' }, t('bulk.title')),
		    el('p', { class: 'hint' }, t('bulk.hint')),
		    el('form', { id: 'bulk-form', novalidate: true, on: {
		    submit: function (ev) {
			ev.preventDefault();
			doBulk(st);
		    } } },
		    el('div', { class: 'field' }, el('label', { for: 'bulk-file' },
		    t('bulk.file')), el('input', { type: 'file', id: 'bulk-file',
		    accept: '.csv,text/csv' })),
		    el('p', { class: 'actions' }, el('button', { type: 'submit',
		    id: 'bulk-submit', disabled: st.bulkBusy }, st.bulkBusy ?
		    t('bulk.busy') : t('bulk.submit')))),
		    st.bulkBusy ? el('progress', { 'aria-label':
		    t('bulk.busy') }) : null,
		    res ? el('div', { id: 'bulk-result', tabindex: '-1' },
		    res.msg ? notice(res.ok ? 'ok' : res.some ? 'warn' : 'error', null,
		    el('p', null, res.msg)) : null,
		    res.rows && res.rows.length ? el('div', {
		    class: 'table-wrap' }, el('table', null,
		    el('caption', null, t('bulk.result')),
		    el('thead', null, el('tr', null,
		    el('th', { scope: 'col' }, t('bulk.line')),
		    el('th', { scope: 'col' }, t('col.email')),
		    el('th', { scope: 'col' }, t('bulk.outcome')))),
		    el('tbody', null, res.rows.map(function (x) {
			return el('tr', null, el('td', null, x.line),
			    el('td', null, x.email || ''),
			    el('td', null, x.result === 'created' ?
			    t('bulk.created') : x.error && x.error.message ||
			    x.result || ''));
		    })))) : null) : null);
	}

	function doBulk(st) {
		var f = document.getElementById('bulk-file').files[0];
		if (!f) {
			st.bulk = { ok: false, msg: t('bulk.nofile') };
			update('bulk-result');
			return;
		}
		st.bulkBusy = true;
		update();
		f.text().then(function (csv) {
			return api('POST', '/api/v1/applications/bulk', csv,
			    { type: 'text/csv' });
		}).then(function (r) {
			var d = r.data || {};
			st.bulkBusy = false;
			st.bulk = { ok: r.status === 201, some: r.status === 207,
			    rows: d.results ||
			    d.rows || [], msg: r.status === 201 ?
			    t('bulk.all') : r.status === 207 ? t('bulk.some') :
			    errText(r) };
			update('bulk-result');
		});
	}

	/* One application, or one renewal/re-issue ("holder request"). */
	function decisionPage(kind) {
		var base = kind === 'app' ? '/api/v1/applications/' :
		    '/api/v1/holder-requests/';
		return staffPage({
			load: function (st) {
				st.id = st.args[0];
				api('GET', base + st.id).then(function (r) {
					st.loaded = true;
					if (r.status === 401) {
						S.me = null;
						st.needLogin = true;
					}
					st.app = r.ok ? r.data : null;
					st.loadErr = r.ok ? null : errText(r);
					redraw(false);
				});
			},
			view: function (st) {
				var a = st.app;
				var back = el('p', null, el('a', { href:
				    href('/verifikator'), 'data-nav': '1' },
				    t('app.back')));
				if (!a)
					return [el('h1', null, t('app.title')),
					    back, notice('error', null,
					    el('p', null, st.loadErr))];
				return [back,
				    el('h1', null, kind === 'app' ?
				    t('app.title.name', { name: a.name }) :
				    t('hreq.title')),
				    logoutButton(),
				    st.msg ? notice(st.msgOk ? 'ok' : 'error', null,
				    el('p', { id: 'decision-msg', tabindex: '-1' },
				    st.msg)) : null,
				    appFacts(a, kind),
				    kind === 'app' && a.nik ? el('section',
				    { 'aria-labelledby': 'selfie-h' },
				    el('h2', { id: 'selfie-h' }, t('app.selfie')),
				    el('img', { src: base + a.id + '/selfie',
				    alt: t('app.selfie.alt', { name: a.name }),
				    class: 'selfie-img' }),
				    a.face_score !== undefined ? el('p', null,
				    t('app.face', { s: a.face_score })) : null) :
				    null,
				    registryLog(a),
				    a.status === 'MANUAL_REVIEW' ?
				    decisionForms(st, base) : null];
			}
		});
	}

	function appFacts(a, kind) {
		var rows = [[t('col.status'), statusText(a.status)],
		    [t('col.email'), a.email],
		    [t('col.due'), a.due_at ? fmtTime(a.due_at) : ''],
		    [t('f.nik'), a.nik], [t('f.name'), a.name],
		    [t('f.bplace'), a.birth_place], [t('f.bdate'), a.birth_date],
		    [t('f.gender'), a.gender === 'M' ? t('f.gender.m') :
		    a.gender === 'F' ? t('f.gender.f') : ''],
		    [t('f.cat'), a.category ? t({ ASN: 'f.cat.asn',
		    POLRI: 'f.cat.polri', NON_ASN: 'f.cat.non' }[a.category] ||
		    a.category) : ''], [t('f.nip'), a.nip],
		    [t('f.nrp'), a.nrp], [t('f.unit'), a.unit],
		    [t('f.position'), a.position],
		    [t('app.reason'), a.reason]];
		if (kind !== 'app')
			rows = [[t('col.status'), statusText(a.status)],
			    [t('hreq.kind'), t('hreq.kind.' + a.kind)],
			    [t('app.reason'), a.reason],
			    [t('hreq.old'), a.old_serial ? el('code', {
			    class: 'wrap' }, a.old_serial) : ''],
			    [t('hreq.created'), fmtTime(a.created_at)]];
		return el('section', { 'aria-labelledby': 'data-h' },
		    el('h2', { id: 'data-h' }, t('app.data')), dl(rows));
	}

	function pretty(x) {
		if (typeof x !== 'string')
			return JSON.stringify(x, null, 2);
		try {
			return JSON.stringify(JSON.parse(x), null, 2);
		} catch (e) {
			return x;
		}
	}

	/* Every registry question and answer, as ra_check.c logged them. */
	function registryLog(a) {
		var log = a.registry_log || [];
		if (!log.length)
			return null;
		return el('section', { 'aria-labelledby': 'reg-log-h' },
		    el('h2', { id: 'reg-log-h' }, t('app.registry')),
		    log.map(function (x, i) {
			return el('details', { open: i === log.length - 1 },
			    el('summary', null, t('app.registry.line', {
			    reg: String(x.registry || '').toUpperCase(),
			    outcome: t('app.outcome.' + x.outcome) ===
			    'app.outcome.' + x.outcome ? x.outcome :
			    t('app.outcome.' + x.outcome),
			    http: x.http_status, ms: x.ms,
			    at: fmtTime(x.at) })),
			    el('p', { class: 'hint' }, t('app.registry.q')),
			    el('pre', { class: 'json' }, pretty(x.request)),
			    el('p', { class: 'hint' }, t('app.registry.a')),
			    el('pre', { class: 'json' }, pretty(x.answer)));
		    }));
	}

	function decisionForms(st, base) {
		var e = st.errs || {};
		return el('section', { 'aria-labelledby': 'decide-h' },
		    el('h2', { id: 'decide-h' }, t('app.decide')),
		    el('form', { id: 'approve-form', on: { submit:
		    function (ev) {
			ev.preventDefault();
			decide(st, base, 'approve', {});
		    } } }, el('p', null, t('app.approve.hint')),
		    el('button', { type: 'submit', id: 'approve' },
		    t('app.approve'))),
		    el('form', { id: 'reject-form', novalidate: true, on: {
		    submit: function (ev) {
			ev.preventDefault();
			var reason = val('reason');
			st.errs = {};
			if (!reason) {
				st.errs.reason = t('v.reason');
				update('reason');
				return;
			}
			decide(st, base, 'reject', { reason: reason });
		    } } },
		    field('reason', t('app.reason.label'), el('textarea', {
		    id: 'reason', name: 'reason', rows: '3',
		    maxlength: '500' }), t('app.reason.hint'), e.reason),
		    el('button', { type: 'submit', id: 'reject',
		    class: 'danger' }, t('app.reject'))));
	}

	function decide(st, base, what, body) {
		api('POST', base + st.id + '/' + what, body).then(function (r) {
			st.msgOk = r.ok;
			st.msg = r.ok ? t(what === 'approve' ? 'app.approved' :
			    'app.rejected') : errText(r);
			if (r.ok)
				st.app = Object.assign({}, st.app, r.data);
			update('decision-msg');
		});
	}

	var pageApplication = decisionPage('app');
	var pageHolderRequest = decisionPage('hreq');

	/* ---- the public verification page ---- */

	var pageVerify = {
		load: function (st) {
			st.loaded = true;
			S.st = st;
			redraw(false);
		},
		view: function (st) {
			return [el('h1', null, t('ver.title')),
			    el('p', { class: 'lead' }, t('ver.lead')),
			    el('form', { id: 'ver-form', novalidate: true, on: {
			    submit: function (ev) {
				ev.preventDefault();
				doVerify(st);
			    } } },
			    el('div', { class: 'field' }, el('label', {
			    for: 'ver-file' }, t('ver.file')),
			    el('p', { class: 'hint', id: 'hint-ver-file' },
			    t('ver.file.hint')),
			    el('input', { type: 'file', id: 'ver-file',
			    accept: '.pdf,application/pdf',
			    'aria-describedby': 'hint-ver-file' })),
			    el('p', { class: 'actions' }, el('button', {
			    type: 'submit', id: 'ver-submit', disabled: st.busy },
			    st.busy ? t('ver.busy') : t('ver.submit')))),
			    st.busy ? el('progress', { 'aria-label':
			    t('ver.busy') }) : null,
			    st.err ? notice('error', null, el('p', {
			    id: 'ver-result', tabindex: '-1' }, st.err)) : null,
			    st.report ? report(st.report, st.fileName) : null];
		}
	};

	function doVerify(st) {
		var f = document.getElementById('ver-file').files[0];
		st.err = null;
		st.report = null;
		if (!f) {
			st.err = t('ver.nofile');
			update('ver-result');
			return;
		}
		st.busy = true;
		st.fileName = f.name;
		update();
		api('POST', '/api/v1/verify', f, { type: 'application/pdf' })
		    .then(function (r) {
			st.busy = false;
			if (r.ok)
				st.report = r.data;
			else
				st.err = errText(r);
			update('ver-result');
		});
	}

	function yesNo(b, yes, no) {
		return el('span', { class: b ? 'good' : 'bad' }, b ? yes ||
		    t('yes') : no || t('no'));
	}

	function report(r, name) {
		var doc = r.document || {}, sigs = r.signatures || [];
		var ok = !!r.all_valid && sigs.length > 0;
		return el('section', { id: 'ver-result', tabindex: '-1',
		    'aria-labelledby': 'ver-result-h' },
		    el('h2', { id: 'ver-result-h' }, t('ver.result')),
		    notice(ok ? 'ok' : sigs.length ? 'error' : 'warn',
		    ok ? t('ver.valid') : sigs.length ? t('ver.invalid') :
		    t('ver.none'), el('p', null, t('ver.summary', {
		    name: name || doc.name || '', n: r.signature_count !==
		    undefined ? r.signature_count : sigs.length }))),
		    sigs.map(function (s, i) {
			return sigCard(s, i);
		    }));
	}

	/* One signature of the native report (pdf_report_json). */
	function sigCard(s, i) {
		var signer = s.signer || {}, problems = s.problems || [];
		var valid = s.valid === true, ts = s.timestamp;
		var integ = s.integrity || {}, rev = s.revocation || {};
		var st = s.signing_time || {}, mod = s.modifications || {};
		var changes = (mod.changes || []).map(function (c) {
			return c.what || c.kind;
		}).join('; ');
		var intact = integ.message_digest_ok === true &&
		    integ.signature_ok === true;
		var when = st.proven || st.claimed;

		return el('article', { class: 'sig ' + (valid ? 'ok' : 'bad'),
		    'aria-labelledby': 'sig-h-' + i },
		    el('h3', { id: 'sig-h-' + i }, t('ver.sig', { n: i + 1 }),
		    ' — ', valid ? t('ver.sig.valid') : t('ver.sig.invalid')),
		    dl([[t('ver.signer'), signer.common_name || s.name ||
		    signer.subject],
		    [t('ver.org'), [signer.organization,
		    signer.organizational_unit].filter(Boolean).join(', ')],
		    [t('ver.email'), signer.email],
		    [t('ver.time'), when ? [fmtIso(when), ' ', el('span',
		    { class: 'hint' }, st.proven ? t('ver.time.proven') :
		    t('ver.time.claimed'))] : ''],
		    [t('ver.integrity'), yesNo(intact, t('ver.intact'),
		    t('ver.broken'))],
		    [t('ver.chain'), s.chain ? yesNo(s.chain.trusted === true,
		    t('ver.trusted'), t('ver.untrusted')) : ''],
		    [t('ver.revocation'), rev.status ? yesNo(rev.status ===
		    'good', statusText('rev.good'), statusText('rev.' +
		    rev.status)) : ''],
		    [t('ver.ts'), ts ? [yesNo(ts.valid === true, fmtIso(
		    ts.gen_time), t('ver.ts.bad')), ts.tsa ? ' (' + ts.tsa +
		    ')' : ''] : t('ver.ts.none')],
		    [t('ver.level'), s.pades_level],
		    [t('ver.ltv'), yesNo(s.ltv === true)],
		    [t('ver.mods'), mod.verdict ? [yesNo(mod.verdict !==
		    'content_changed' && mod.verdict !== 'unknown',
		    t('ver.mods.' + mod.verdict), t('ver.mods.' +
		    mod.verdict)), changes ? ' (' + changes + ')' : ''] : ''],
		    [t('ver.reason'), s.reason], [t('ver.location'), s.location],
		    [t('ver.serial'), signer.serial ? el('code', {
		    class: 'wrap' }, signer.serial) : ''],
		    [t('ver.validity'), signer.not_before ? fmtIso(
		    signer.not_before) + ' – ' + fmtIso(signer.not_after) :
		    '']]),
		    problems.length ? el('div', null, el('p', null,
		    t('ver.problems')), el('ul', null, problems.map(
		    function (p) {
			return el('li', null, typeof p === 'string' ? p :
			    p.message || p.what || JSON.stringify(p));
		    }))) : null);
	}

	/* ---- the holder: forgotten passphrase, renewal, revocation ---- */

	var REASONS = ['unspecified', 'keyCompromise', 'affiliationChanged',
	    'cessationOfOperation'];

	/* {nik} for 16 digits, else {email}. */
	function whoBody(v) {
		return /^\d{16}$/.test(v) ? { nik: v } : { email: v };
	}

	var pageHolder = {
		load: function (st) {
			st.loaded = true;
			st.res = {};
			S.st = st;
			redraw(false);
		},
		view: function (st) {
			return [el('h1', null, t('hd.title')),
			    el('p', { class: 'lead' }, t('hd.lead')),
			    el('p', null, el('a', { href: href('/tanda-tangan'),
			    'data-nav': '1', id: 'to-sign' }, t('hd.sign.link'))),
			    holderForm(st, 'forgot', false, null),
			    holderForm(st, 'renew', true, null),
			    holderForm(st, 'revoke', true, [
			    el('div', { class: 'field' }, el('label',
			    { for: 'revoke-reason' }, t('hd.revoke.reason')),
			    el('select', { id: 'revoke-reason' },
			    REASONS.map(function (r) {
				return el('option', { value: r },
				    t('hd.reason.' + r));
			    }))),
			    el('div', { class: 'check' }, input('revoke-sure', {
			    type: 'checkbox' }), ' ', el('label', {
			    for: 'revoke-sure' }, t('hd.revoke.sure')))])];
		}
	};

	function holderForm(st, k, withPass, extra) {
		var res = st.res[k], e = st.errs && st.errs[k] || {};
		return el('section', { 'aria-labelledby': k + '-h' },
		    el('h2', { id: k + '-h' }, t('hd.' + k + '.title')),
		    el('p', null, t('hd.' + k + '.hint')),
		    res ? notice(res.ok ? 'ok' : 'error', null, el('p', {
		    id: k + '-msg', tabindex: '-1' }, res.msg)) : null,
		    el('form', { id: k + '-form', novalidate: true, on: {
		    submit: function (ev) {
			ev.preventDefault();
			holderAction(st, k, withPass);
		    } } },
		    field(k + '-who', t('hd.who'), input(k + '-who', {
		    autocomplete: 'email', required: true,
		    autocapitalize: 'none', spellcheck: 'false' }),
		    t('hd.who.hint'), e.who),
		    withPass ? field(k + '-pass', t('pp.pass1'),
		    input(k + '-pass', { type: 'password', required: true,
		    autocomplete: 'current-password' }), null, e.pass) :
		    null,
		    extra,
		    el('p', { class: 'actions' }, el('button', {
		    type: 'submit', id: k + '-submit', class: k === 'revoke' ?
		    'danger' : null }, t('hd.' + k + '.submit')))));
	}

	function holderAction(st, k, withPass) {
		var who = val(k + '-who'), body = whoBody(who), e = {};
		var path = { forgot: '/api/v1/holder/forgot',
		    renew: '/api/v1/holder/renew',
		    revoke: '/api/v1/holder/revoke' }[k];

		if (!/^\d{16}$/.test(who) && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(who))
			e.who = t('hd.v.who');
		if (withPass) {
			body.passphrase = document.getElementById(k + '-pass').value;
			if (!body.passphrase)
				e.pass = t('v.required', { f: t('pp.pass1') });
		}
		if (k === 'revoke') {
			body.reason = val('revoke-reason');
			if (!checked('revoke-sure'))
				e.who = e.who || t('hd.v.sure');
		}
		st.errs = st.errs || {};
		st.errs[k] = e;
		if (Object.keys(e).length) {
			st.res[k] = { ok: false, msg: t('err.summary',
			    { n: Object.keys(e).length }) };
			update(k + '-msg');
			return;
		}
		api('POST', path, body).then(function (r) {
			var pass = document.getElementById(k + '-pass');
			st.res[k] = { ok: r.ok, msg: r.ok ? t('hd.' + k + '.ok') :
			    errText(r) };
			update(k + '-msg');
			/* The passphrase never stays on the page. */
			pass = document.getElementById(k + '-pass');
			if (pass)
				pass.value = '';
		});
	}

	/* ---- the holder signs a PDF in the browser ---- */

	var SIGN_PDF_MAX = 30 * 1024 * 1024, SIGN_IMG_MAX = 1024 * 1024;
	var pdfjs = null;

	/* pdf.js (/static/pdf.min.mjs, served by sertel), loaded on first use. */
	function loadPdfjs() {
		if (!pdfjs)
			pdfjs = import('/static/pdf.min.mjs').then(function (m) {
				m.GlobalWorkerOptions.workerSrc =
				    '/static/pdf.worker.min.mjs';
				return m;
			}, function (e) {
				pdfjs = null;
				throw e;
			});
		return pdfjs;
	}

	var pageSign = {
		load: function (st) {
			st.loaded = true;
			st.kind = 'qr';
			st.width = 100;
			S.st = st;
			redraw(false);
		},
		view: function (st) {
			var e = st.errs || {};
			if (st.done)
				return signDone(st);
			return [el('h1', null, t('sg.title')),
			    el('p', { class: 'lead' }, t('sg.lead')),
			    el('form', { id: 'sg-form', novalidate: true, on: {
			    submit: function (ev) {
				ev.preventDefault();
				submitSign(st);
			    } } }, errorSummary(st.summaryErrs, st.general),
			    el('fieldset', null, el('legend', null, t('sg.doc')),
			    field('sg-file', t('sg.file'), el('input', {
			    type: 'file', id: 'sg-file', accept:
			    '.pdf,application/pdf', on: { change: function (ev) {
				pickPdf(st, ev.target.files[0]);
			    } } }), st.fileName ? t('sg.file.chosen', { name:
			    st.fileName, n: st.pages || '…' }) : t('sg.file.hint'),
			    e['sg-file']),
			    st.rendering ? el('progress', { 'aria-label':
			    t('sg.rendering') }) : null,
			    st.canvas ? placeArea(st, e['sg-stage']) : null),
			    el('fieldset', null, el('legend', null, t('sg.look')),
			    el('fieldset', { class: 'radios' }, el('legend', null,
			    t('sg.kind')),
			    el('div', null, input('sg-kind-qr', { type: 'radio',
			    name: 'sg-kind', value: 'qr', checked: st.kind === 'qr',
			    on: { change: function () { setKind(st, 'qr'); } } }),
			    ' ', el('label', { for: 'sg-kind-qr' }, t('sg.kind.qr'))),
			    el('div', null, input('sg-kind-img', { type: 'radio',
			    name: 'sg-kind', value: 'image', checked: st.kind ===
			    'image', on: { change: function () {
				setKind(st, 'image');
			    } } }), ' ', el('label', { for: 'sg-kind-img' },
			    t('sg.kind.img')))),
			    st.kind === 'image' ? field('sg-image', t('sg.image'),
			    el('input', { type: 'file', id: 'sg-image', accept:
			    'image/png,image/jpeg', on: { change: function (ev) {
				pickImage(st, ev.target.files[0]);
			    } } }), st.img ? t('sg.image.chosen', { name:
			    st.img.name }) : t('sg.image.hint'), e['sg-image']) :
			    null,
			    field('sg-width', t('sg.width'), input('sg-width', {
			    type: 'number', min: '40', max: '300', step: '1',
			    inputmode: 'numeric', value: String(st.width), on: {
			    input: function (ev) {
				var w = Number(ev.target.value);
				if (w >= 40 && w <= 300) {
					st.width = w;
					placeBox(st);
				}
			    } } }), t('sg.width.hint'), e['sg-width'])),
			    el('fieldset', null, el('legend', null, t('sg.you')),
			    field('sg-who', t('hd.who'), input('sg-who', {
			    autocomplete: 'email', required: true,
			    autocapitalize: 'none', spellcheck: 'false' }),
			    t('hd.who.hint'), e['sg-who']),
			    field('sg-pass', t('pp.pass1'), input('sg-pass', {
			    type: 'password', required: true,
			    autocomplete: 'current-password' }), t('sg.pass.hint'),
			    e['sg-pass'])),
			    el('p', { class: 'actions' }, el('button', {
			    type: 'submit', id: 'sg-submit', disabled: st.busy },
			    st.busy ? t('sg.busy') : t('sg.submit')))),
			    st.busy ? el('progress', { 'aria-label': t('sg.busy') }) :
			    null];
		},
		after: function (st) {
			placeBox(st);
		}
	};

	/*
	 * Page 1 with the signature's box. The canvas is kept in the state
	 * (rendered once); the box is moved in place while it is dragged.
	 */
	function placeArea(st, err) {
		var stage = el('div', { id: 'sg-stage', class: 'sg-stage' +
		    (err ? ' invalid' : ''), tabindex: '0', role: 'group',
		    'aria-label': t('sg.stage'), 'aria-describedby':
		    'sg-stage-hint sg-pos' + (err ? ' err-sg-stage' : ''),
		    on: { pointerdown: function (ev) { stageDown(st, ev); },
		    pointermove: function (ev) { stageMove(st, ev); },
		    pointerup: function () { stageUp(st); },
		    pointercancel: function () { stageUp(st); },
		    keydown: function (ev) { stageKey(st, ev); } } },
		    st.canvas, el('div', { id: 'sg-box', class: 'sg-box',
		    'aria-hidden': 'true', hidden: !st.box },
		    st.kind === 'image' && st.img ? el('img', { src: st.img.url,
		    alt: '' }) : el('span', null, st.kind === 'image' ?
		    t('sg.box.img') : t('sg.box.qr'))));
		return el('div', { class: 'field' },
		    el('p', { class: 'label', id: 'sg-stage-label' },
		    t('sg.place')),
		    el('p', { class: 'hint', id: 'sg-stage-hint' },
		    t('sg.place.hint')),
		    err ? el('p', { class: 'field-error', id: 'err-sg-stage' },
		    err) : null, stage,
		    el('p', { id: 'sg-pos', class: 'hint' }, posText(st)));
	}

	function boxH(st) {
		return st.kind === 'image' && st.img ? st.width * st.img.h /
		    st.img.w : st.width;
	}

	function posText(st) {
		if (!st.box)
			return t('sg.pos.none');
		return t('sg.pos', { x: Math.round(st.box.x), y:
		    Math.round(st.box.y), w: Math.round(st.width), h:
		    Math.round(boxH(st)) });
	}

	/* Keeps the box (PDF points, lower-left origin) on the page. */
	function clampBox(st) {
		var b = st.box, h = boxH(st);
		if (!b)
			return;
		b.x = Math.max(0, Math.min(st.pw - st.width, b.x));
		b.y = Math.max(0, Math.min(st.ph - h, b.y));
	}

	/* Draws the box where st.box says, in CSS pixels over the canvas. */
	function placeBox(st) {
		var n = document.getElementById('sg-box');
		var pos = document.getElementById('sg-pos');
		var stage = document.getElementById('sg-stage'), h = boxH(st);
		if (!n || !stage)
			return;
		clampBox(st);
		n.hidden = !st.box;
		if (st.box) {
			n.style.left = st.box.x * st.k + 'px';
			n.style.top = (st.ph - st.box.y - h) * st.k + 'px';
			n.style.width = st.width * st.k + 'px';
			n.style.height = h * st.k + 'px';
			stage.setAttribute('data-x', st.box.x.toFixed(2));
			stage.setAttribute('data-y', st.box.y.toFixed(2));
			stage.setAttribute('data-w', st.width.toFixed(2));
			stage.setAttribute('data-h', h.toFixed(2));
		}
		if (pos)
			Dom.text(pos, posText(st));
	}

	/* A pointer position on the page in PDF points (lower-left origin). */
	function stagePt(st, ev) {
		var r = st.canvas.getBoundingClientRect();
		return { x: (ev.clientX - r.left) / st.k,
		    y: st.ph - (ev.clientY - r.top) / st.k };
	}

	function stageDown(st, ev) {
		var p = stagePt(st, ev), b = st.box, h = boxH(st);
		if (ev.button !== 0)
			return;
		ev.preventDefault();
		ev.currentTarget.focus();
		if (b && p.x >= b.x && p.x <= b.x + st.width && p.y >= b.y &&
		    p.y <= b.y + h)
			st.drag = { dx: p.x - b.x, dy: p.y - b.y };
		else
			st.drag = { dx: st.width / 2, dy: h / 2 };
		st.box = { x: p.x - st.drag.dx, y: p.y - st.drag.dy };
		if (ev.currentTarget.setPointerCapture)
			ev.currentTarget.setPointerCapture(ev.pointerId);
		placeBox(st);
	}

	function stageMove(st, ev) {
		var p;
		if (!st.drag)
			return;
		p = stagePt(st, ev);
		st.box = { x: p.x - st.drag.dx, y: p.y - st.drag.dy };
		placeBox(st);
	}

	function stageUp(st) {
		if (!st.drag)
			return;
		st.drag = null;
		announce(posText(st));
	}

	/* Arrow keys move the box (10 points, 1 with Shift); Enter puts it
	 * in the middle of the page when there is none yet. */
	function stageKey(st, ev) {
		var d = ev.shiftKey ? 1 : 10, mv = { ArrowLeft: [-d, 0],
		    ArrowRight: [d, 0], ArrowUp: [0, d], ArrowDown: [0, -d] }[
		    ev.key];
		if (!mv && ev.key !== 'Enter' && ev.key !== ' ')
			return;
		ev.preventDefault();
		if (!st.box)
			st.box = { x: (st.pw - st.width) / 2, y: (st.ph -
			    boxH(st)) / 2 };
		else if (mv) {
			st.box.x += mv[0];
			st.box.y += mv[1];
		}
		placeBox(st);
	}

	function setKind(st, k) {
		st.kind = k;
		update(k === 'qr' ? 'sg-kind-qr' : 'sg-kind-img');
	}

	function pickPdf(st, f) {
		st.errs = {};
		st.summaryErrs = {};
		st.general = null;
		st.canvas = null;
		st.box = null;
		st.pdf = null;
		st.pages = 0;
		if (!f) {
			st.fileName = null;
			update('sg-file');
			return;
		}
		st.fileName = f.name;
		if (f.size > SIGN_PDF_MAX || !/\.pdf$/i.test(f.name) &&
		    f.type !== 'application/pdf') {
			st.errs['sg-file'] = f.size > SIGN_PDF_MAX ?
			    t('sg.v.big') : t('sg.v.pdf');
			update('sg-file');
			return;
		}
		st.rendering = true;
		update('sg-file');
		f.arrayBuffer().then(function (buf) {
			st.pdf = new Uint8Array(buf);
			return loadPdfjs();
		}).then(function (lib) {
			/* A copy: pdf.js takes over the buffer it is given. */
			return lib.getDocument({ data: st.pdf.slice(),
			    isEvalSupported: false, verbosity: 0 }).promise;
		}).then(function (doc) {
			st.pages = doc.numPages;
			return doc.getPage(1);
		}).then(function (pg) {
			var main = document.getElementById('main');
			var one = pg.getViewport({ scale: 1 });
			var css = Math.min(560, Math.max(240, main.clientWidth - 40));
			var dpr = window.devicePixelRatio || 1;
			var c = el('canvas', { id: 'sg-canvas', role: 'img',
			    'aria-label': t('sg.canvas', { name: st.fileName }) });
			var vp;

			/* Points of the page as displayed (CropBox, /Rotate). */
			st.pw = one.width;
			st.ph = one.height;
			st.k = css / st.pw;
			vp = pg.getViewport({ scale: st.k * dpr });
			c.width = Math.floor(vp.width);
			c.height = Math.floor(vp.height);
			c.style.width = css + 'px';
			c.style.height = st.ph * st.k + 'px';
			return pg.render({ canvasContext: c.getContext('2d'),
			    viewport: vp }).promise.then(function () {
				st.canvas = c;
			});
		}).then(function () {
			st.rendering = false;
			update('sg-stage');
			announce(t('sg.rendered'));
		}, function () {
			st.rendering = false;
			st.pdf = null;
			st.errs = { 'sg-file': t('sg.v.render') };
			update('sg-file');
		});
	}

	function pickImage(st, f) {
		var url, img;
		st.errs = st.errs || {};
		delete st.errs['sg-image'];
		if (!f)
			return;
		if (!/^image\/(png|jpeg)$/.test(f.type) || f.size > SIGN_IMG_MAX) {
			st.img = null;
			st.errs['sg-image'] = t('sg.v.image');
			update('sg-image');
			return;
		}
		url = URL.createObjectURL(f);
		img = new Image();
		img.onload = function () {
			fileB64(f).then(function (b) {
				if (st.img)
					URL.revokeObjectURL(st.img.url);
				st.img = { name: f.name, url: url, b64: b,
				    w: img.naturalWidth, h: img.naturalHeight };
				update('sg-image');
			});
		};
		img.onerror = function () {
			URL.revokeObjectURL(url);
			st.img = null;
			st.errs['sg-image'] = t('sg.v.image');
			update('sg-image');
		};
		img.src = url;
	}

	function b64ToBlob(s, type) {
		var bin = atob(s), a = new Uint8Array(bin.length), i;
		for (i = 0; i < bin.length; i++)
			a[i] = bin.charCodeAt(i);
		return new Blob([a], { type: type });
	}

	function submitSign(st) {
		var who = val('sg-who'), pass = document.getElementById('sg-pass');
		var e = {}, body = whoBody(who), vis;

		st.general = null;
		if (!st.pdf)
			e['sg-file'] = t('sg.v.nofile');
		else if (!st.box)
			e['sg-stage'] = t('sg.v.place');
		if (st.kind === 'image' && !st.img)
			e['sg-image'] = t('sg.v.noimage');
		if (!(st.width >= 40 && st.width <= 300))
			e['sg-width'] = t('sg.v.width');
		if (!/^\d{16}$/.test(who) && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(who))
			e['sg-who'] = t('hd.v.who');
		if (!pass.value)
			e['sg-pass'] = t('v.required', { f: t('pp.pass1') });
		st.errs = e;
		st.summaryErrs = e;
		if (Object.keys(e).length) {
			redraw(true);
			focusSummary(e);
			return;
		}
		body.passphrase = pass.value;
		vis = { page: 1, x: Math.round(st.box.x * 100) / 100,
		    y: Math.round(st.box.y * 100) / 100, width: st.width,
		    height: Math.round(boxH(st) * 100) / 100 };
		if (st.kind === 'image')
			vis.image = st.img.b64;
		body.visible = vis;
		st.busy = true;
		update('sg-submit');
		fileB64(new Blob([st.pdf])).then(function (b) {
			body.file = b;
			return api('POST', '/api/v1/holder/sign', body);
		}).then(function (r) {
			var p = document.getElementById('sg-pass');
			body = null;
			st.busy = false;
			/* The passphrase never stays on the page. */
			if (p)
				p.value = '';
			if (r.status === 201 && r.data && r.data.file) {
				st.done = r.data;
				st.url = URL.createObjectURL(b64ToBlob(r.data.file,
				    'application/pdf'));
				st.done.file = null;
				st.focus = true;
				redraw(false);
				return;
			}
			st.general = errText(r);
			st.summaryErrs = {};
			redraw(true);
			focusSummary({});
		});
	}

	function signedName(n) {
		return String(n || 'dokumen').replace(/\.pdf$/i, '') + '-ttd.pdf';
	}

	function signDone(st) {
		var d = st.done, v = localPath(d.verify_url);
		return [el('h1', null, t('sg.done.title')),
		    notice('ok', null, el('p', null, t('sg.done.body', {
		    name: st.fileName }))),
		    el('p', { class: 'actions' }, el('a', { class: 'button',
		    id: 'sg-download', href: st.url, download:
		    signedName(st.fileName) }, t('sg.download')),
		    v ? el('a', { class: 'button secondary-link', id: 'sg-verify',
		    href: v }, t('sg.verify')) : null),
		    dl([[t('sg.id'), el('code', { class: 'wrap' }, d.id)],
		    [t('sg.sha'), el('code', { class: 'wrap' }, d.sha256)],
		    [t('ver.level'), d.level],
		    [t('sg.when'), fmtTime(d.signed_at)]]),
		    el('p', null, el('button', { type: 'button', class:
		    'secondary', id: 'sg-again', on: { click: function () {
			URL.revokeObjectURL(st.url);
			S.st = { args: [], focus: true };
			pageSign.load(S.st);
		    } } }, t('sg.again')))];
	}

	/* ---- complaints (S4) ---- */

	var CPL_CATS = ['registration', 'verification', 'certificate', 'signing',
	    'account', 'service', 'other'];
	var CPL_CHANNELS = ['email', 'phone', 'telegram', 'social', 'letter',
	    'walk_in'];
	var CPL_STATES = ['', 'NEW', 'IN_PROGRESS', 'ANSWERED', 'CLOSED'];

	/* A same-origin absolute URL from the server as a path. */
	function localPath(u) {
		try {
			var x = new URL(u, location.href);
			return x.origin === location.origin ? x.pathname : null;
		} catch (e) {
			return null;
		}
	}

	function fileB64(f) {
		return new Promise(function (ok, no) {
			var r = new FileReader();
			r.onload = function () {
				ok(String(r.result).split(',')[1] || '');
			};
			r.onerror = no;
			r.readAsDataURL(f);
		});
	}

	/* The fields of a complaint, the public form's and the staff's. */
	function complaintFields(st, staff) {
		var e = st.errs || {};
		return [
		    staff ? field('c-channel', t('cpl.channel'), el('select', {
		    id: 'c-channel' }, CPL_CHANNELS.map(function (c) {
			return el('option', { value: c }, t('cpl.ch.' + c));
		    })), null, e.channel) : null,
		    field('c-name', t('cpl.name'), input('c-name', {
		    autocomplete: staff ? 'off' : 'name', maxlength: '128',
		    required: !staff }), null, e.name),
		    field('c-email', t('cpl.email'), input('c-email', {
		    type: 'email', autocomplete: staff ? 'off' : 'email' }),
		    staff ? null : t('cpl.contact.hint'), e.email),
		    field('c-phone', t('cpl.phone'), input('c-phone', {
		    type: 'tel', autocomplete: staff ? 'off' : 'tel',
		    inputmode: 'tel' }), null, e.phone),
		    staff ? field('c-handle', t('cpl.handle'), input('c-handle',
		    { autocomplete: 'off' }), t('cpl.handle.hint'), e.handle) :
		    null,
		    field('c-category', t('cpl.category'), el('select', {
		    id: 'c-category' }, CPL_CATS.map(function (c) {
			return el('option', { value: c }, t('cpl.cat.' + c));
		    })), null, e.category),
		    field('c-agency', t('cpl.agency'), input('c-agency', {
		    autocapitalize: 'characters', maxlength: '32' }),
		    t('cpl.agency.hint'), e.agency),
		    field('c-text', t('cpl.text'), el('textarea', { id: 'c-text',
		    rows: '6', maxlength: '8000', required: true }), null,
		    e.text),
		    el('div', { class: 'field' }, el('label', { for: 'c-file' },
		    t('cpl.file')), el('p', { class: 'hint', id: 'hint-c-file' },
		    t('cpl.file.hint')), el('input', { type: 'file',
		    id: 'c-file', accept: 'application/pdf,image/png,image/jpeg',
		    'aria-describedby': 'hint-c-file' }))];
	}

	/* Reads and checks the form; null when st.errs says what is wrong. */
	function complaintBody(st, staff) {
		var b = { name: val('c-name'), category: val('c-category'),
		    text: val('c-text'), lang: S.lang }, e = {};
		if (val('c-email'))
			b.email = val('c-email');
		if (val('c-phone'))
			b.phone = val('c-phone');
		if (val('c-agency'))
			b.agency = val('c-agency').toUpperCase();
		if (staff) {
			b.channel = val('c-channel');
			if (val('c-handle'))
				b.handle = val('c-handle');
		}
		if (!staff && !b.name)
			e['c-name'] = t('v.required', { f: t('cpl.name') });
		if (b.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(b.email))
			e['c-email'] = t('v.email');
		if (!staff && !b.email && !b.phone)
			e['c-email'] = t('cpl.v.contact');
		if (!b.text)
			e['c-text'] = t('v.required', { f: t('cpl.text') });
		st.summaryErrs = e;
		st.errs = {};
		Object.keys(e).forEach(function (k) {
			st.errs[k.slice(2)] = e[k];
		});
		return Object.keys(e).length ? null : b;
	}

	function sendComplaint(st, staff) {
		var b = complaintBody(st, staff);
		var f = document.getElementById('c-file').files[0];

		st.general = null;
		if (!b) {
			redraw(true);
			focusSummary(st.summaryErrs);
			return;
		}
		if (f && f.size > 2 * 1024 * 1024) {
			st.summaryErrs = { 'c-file': t('cpl.v.file') };
			redraw(true);
			focusSummary(st.summaryErrs);
			return;
		}
		st.busy = true;
		update(staff ? 'rec-submit' : 'c-submit');
		(f ? fileB64(f) : Promise.resolve(null)).then(function (a) {
			if (a)
				b.attachment = a;
			return api('POST', staff ? '/api/v1/complaints/staff' :
			    '/api/v1/complaints', b);
		}).then(function (r) {
			st.busy = false;
			if (r.ok) {
				st.filed = r.data;
				st.summaryErrs = {};
				st.errs = {};
				if (staff) {
					st.recMsg = t('cpl.recorded', {
					    ticket: r.data.ticket });
					S.page.load(st);
					return;
				}
				st.focus = true;
				redraw(false);
				return;
			}
			st.general = errText(r);
			st.summaryErrs = {};
			redraw(true);
			focusSummary({});
		});
	}

	var pageComplaint = {
		load: function (st) {
			st.loaded = true;
			S.st = st;
			redraw(false);
		},
		view: function (st) {
			var f = st.filed, p;
			if (f) {
				p = localPath(f.status_url);
				return [el('h1', null, t('cpl.done.title')),
				    notice('ok', null, [el('p', null,
				    t('cpl.done.body', { ticket: f.ticket })),
				    el('p', null, t('cpl.done.due', { when:
				    fmtTime(f.due_at) }))]),
				    dl([[t('cpl.ticket'), el('strong', {
				    id: 'ticket' }, f.ticket)],
				    [t('cpl.status'), t('cpl.st.' + f.status)]]),
				    p ? el('p', null, el('a', { href: p,
				    id: 'status-link' }, t('cpl.done.link'))) : null,
				    el('p', null, t('cpl.done.keep'))];
			}
			return [el('h1', null, t('cpl.title')),
			    el('p', { class: 'lead' }, t('cpl.lead')),
			    el('p', null, t('cpl.other')),
			    el('form', { id: 'cpl-form', novalidate: true, on: {
			    submit: function (ev) {
				ev.preventDefault();
				sendComplaint(st, false);
			    } } }, errorSummary(st.summaryErrs, st.general),
			    complaintFields(st, false),
			    el('p', { class: 'actions' }, el('button', {
			    type: 'submit', id: 'c-submit', disabled: st.busy },
			    st.busy ? t('sending') : t('cpl.submit'))))];
		}
	};

	function repliesList(rs, staff) {
		if (!rs || !rs.length)
			return el('p', { id: 'replies-none' }, t('cpl.noreply'));
		return el('ol', { class: 'replies', id: 'replies' },
		    rs.map(function (x) {
			return el('li', null, el('p', { class: 'hint' },
			    fmtTime(x.at), staff && x.author ? ' — ' +
			    String(x.author).replace(/^user:/, '') : '', staff ? ' — ' + (x.emailed ?
			    t('cpl.emailed') : t('cpl.notemailed')) : ''),
			    el('p', { class: 'reply-text' }, x.text));
		    }));
	}

	var pageComplaintStatus = {
		load: function (st) {
			st.token = st.args[0];
			S.st = st;
			redraw(false);
			api('GET', '/api/v1/complaints/status/' + st.token).then(
			    function (r) {
				st.loaded = true;
				st.bad = !r.ok;
				if (r.ok)
					st.c = r.data;
				else if (errCode(r) !== 'link_invalid')
					st.loadErr = errText(r);
				redraw(false);
			});
		},
		view: function (st) {
			var c = st.c;
			if (!st.loaded)
				return loading();
			if (st.bad)
				return linkInvalid(st, 'cplx');
			return [el('h1', null, t('cpls.title', { ticket: c.ticket })),
			    dl([[t('cpl.status'), el('span', { id: 'cpl-status' },
			    t('cpl.st.' + c.status))],
			    [t('cpl.category'), t('cpl.cat.' + c.category)],
			    [t('cpl.channel'), t('cpl.ch.' + c.channel)],
			    [t('cpl.created'), fmtTime(c.created_at)],
			    [t('cpl.due'), fmtTime(c.due_at)],
			    [t('cpl.closed'), c.closed_at ? fmtTime(c.closed_at) :
			    ''], [t('cpl.close.reason'), c.close_reason]]),
			    el('h2', null, t('cpl.replies')),
			    repliesList(c.replies, false)];
		}
	};

	var pageComplaintDesk = staffPage({
		load: function (st) {
			st.filter = st.filter === undefined ? '' : st.filter;
			api('GET', '/api/v1/complaints' + (st.filter ? '?status=' +
			    encodeURIComponent(st.filter) : '')).then(function (r) {
				st.loaded = true;
				if (r.status === 401) {
					S.me = null;
					st.needLogin = true;
				}
				st.list = r.ok ? r.data.complaints || [] : [];
				st.loadErr = r.ok ? null : errText(r);
				redraw(false);
			});
		},
		view: function (st) {
			var q = st.list || [];
			return [el('h1', null, t('desk.title')), logoutButton(),
			    el('p', null, el('a', { href: href('/verifikator'),
			    'data-nav': '1' }, t('desk.queue.link'))),
			    st.loadErr ? notice('error', null, el('p', null,
			    st.loadErr)) : null,
			    el('h2', { id: 'desk-h' }, t('desk.list')),
			    el('div', { class: 'field inline' },
			    el('label', { for: 'cfilter' }, t('staff.filter')),
			    el('select', { id: 'cfilter', on: { change:
			    function (ev) {
				st.filter = ev.target.value;
				pageComplaintDesk.load(st);
			    } } }, CPL_STATES.map(function (x) {
				return el('option', { value: x, selected:
				    x === st.filter }, x ? t('cpl.st.' + x) :
				    t('staff.all'));
			    }))),
			    !q.length ? el('p', { id: 'desk-empty' },
			    t('desk.empty')) : el('div', { class: 'table-wrap',
			    role: 'region', 'aria-labelledby': 'desk-h',
			    tabindex: '0' }, el('table', { id: 'desk' },
			    el('caption', null, t('desk.count', { n: q.length })),
			    el('thead', null, el('tr', null,
			    el('th', { scope: 'col' }, t('cpl.ticket')),
			    el('th', { scope: 'col' }, t('cpl.name')),
			    el('th', { scope: 'col' }, t('cpl.channel')),
			    el('th', { scope: 'col' }, t('cpl.status')),
			    el('th', { scope: 'col' }, t('cpl.assignee')),
			    el('th', { scope: 'col' }, t('cpl.due')))),
			    el('tbody', null, q.map(function (c) {
				return el('tr', { class: c.overdue ? 'late' :
				    null }, el('td', null, el('a', { href:
				    href('/petugas/pengaduan/' + c.ticket),
				    'data-nav': '1' }, c.ticket)),
				    el('td', null, c.name || '—'),
				    el('td', null, t('cpl.ch.' + c.channel)),
				    el('td', null, t('cpl.st.' + c.status)),
				    el('td', null, c.assignee || '—'),
				    el('td', null, fmtTime(c.due_at),
				    c.overdue ? el('strong', { class:
				    'badge late' }, ' ', t('staff.overdue')) :
				    null));
			    })))),
			    el('section', { 'aria-labelledby': 'rec-h' },
			    el('h2', { id: 'rec-h' }, t('desk.record')),
			    el('p', { class: 'hint' }, t('desk.record.hint')),
			    st.recMsg ? notice('ok', null, el('p', {
			    id: 'rec-msg', tabindex: '-1' }, st.recMsg)) : null,
			    el('form', { id: 'rec-form', novalidate: true, on: {
			    submit: function (ev) {
				ev.preventDefault();
				sendComplaint(st, true);
			    } } }, errorSummary(st.summaryErrs, st.general),
			    complaintFields(st, true),
			    el('p', { class: 'actions' }, el('button', {
			    type: 'submit', id: 'rec-submit', disabled:
			    st.busy }, t('desk.record.submit')))))];
		}
	});

	var pageComplaintOne = staffPage({
		load: function (st) {
			st.id = st.args[0];
			api('GET', '/api/v1/complaints/' + encodeURIComponent(
			    st.id)).then(function (r) {
				st.loaded = true;
				if (r.status === 401) {
					S.me = null;
					st.needLogin = true;
				}
				st.c = r.ok ? r.data : null;
				st.loadErr = r.ok ? null : errText(r);
				redraw(false);
			});
		},
		view: function (st) {
			var c = st.c, e = st.errs || {}, closed;
			var back = el('p', null, el('a', { href:
			    href('/petugas/pengaduan'), 'data-nav': '1' },
			    t('desk.back')));
			if (!c)
				return [el('h1', null, t('desk.one')), back,
				    notice('error', null, el('p', null,
				    st.loadErr))];
			closed = c.status === 'CLOSED';
			return [back, el('h1', null, t('desk.one.t',
			    { ticket: c.ticket })), logoutButton(),
			    st.msg ? notice(st.msgOk ? 'ok' : 'error', null,
			    el('p', { id: 'desk-msg', tabindex: '-1' }, st.msg)) :
			    null,
			    dl([[t('cpl.status'), t('cpl.st.' + c.status)],
			    [t('cpl.channel'), t('cpl.ch.' + c.channel)],
			    [t('cpl.category'), t('cpl.cat.' + c.category)],
			    [t('cpl.name'), c.name], [t('cpl.email'), c.email],
			    [t('cpl.phone'), c.phone], [t('cpl.handle'), c.handle],
			    [t('cpl.agency'), c.agency],
			    [t('cpl.assignee'), c.assignee],
			    [t('cpl.created'), fmtTime(c.created_at)],
			    [t('cpl.due'), fmtTime(c.due_at)],
			    [t('cpl.close.reason'), c.close_reason],
			    [t('cpl.file'), c.attachment ? el('a', { href:
			    '/api/v1/complaints/' + encodeURIComponent(c.ticket) +
			    '/attachment' }, t('cpl.file.dl', { type:
			    c.attachment.type, size: Math.ceil(
			    c.attachment.size / 1024) })) : '']]),
			    el('h2', null, t('cpl.text')),
			    el('p', { class: 'reply-text', id: 'cpl-text' },
			    c.text),
			    el('h2', null, t('cpl.replies')),
			    repliesList(c.replies, true),
			    closed ? null : [
			    el('form', { id: 'assign-form', novalidate: true, on: {
			    submit: function (ev) {
				ev.preventDefault();
				deskAct(st, 'assign', { assignee:
				    val('assignee') });
			    } } }, el('h2', null, t('desk.assign')),
			    field('assignee', t('desk.assignee'),
			    input('assignee', { autocomplete: 'off',
			    autocapitalize: 'none', value: String(S.me.name)
			    .replace(/^user:/, '') }), t('desk.assignee.hint'),
			    e.assignee),
			    el('button', { type: 'submit', id: 'assign',
			    class: 'secondary' }, t('desk.assign.submit'))),
			    el('form', { id: 'reply-form', novalidate: true, on: {
			    submit: function (ev) {
				ev.preventDefault();
				if (!val('reply')) {
					st.errs = { reply: t('v.required',
					    { f: t('desk.reply') }) };
					update('reply');
					return;
				}
				deskAct(st, 'reply', { text: val('reply') });
			    } } }, el('h2', null, t('desk.reply')),
			    field('reply', t('desk.reply.label'), el('textarea', {
			    id: 'reply', rows: '5', maxlength: '8000' }),
			    c.email ? t('desk.reply.hint.mail') :
			    t('desk.reply.hint.nomail'), e.reply),
			    el('button', { type: 'submit', id: 'reply-submit' },
			    t('desk.reply.submit'))),
			    el('form', { id: 'close-form', novalidate: true, on: {
			    submit: function (ev) {
				ev.preventDefault();
				deskAct(st, 'close', { reason:
				    val('close-reason') });
			    } } }, el('h2', null, t('desk.close')),
			    field('close-reason', t('cpl.close.reason'),
			    el('textarea', { id: 'close-reason', rows: '2',
			    maxlength: '2000' }), t('desk.close.hint'),
			    e['close-reason']),
			    el('button', { type: 'submit', id: 'close',
			    class: 'danger' }, t('desk.close.submit')))]];
		}
	});

	function deskAct(st, what, body) {
		st.errs = {};
		api('POST', '/api/v1/complaints/' + encodeURIComponent(st.id) +
		    '/' + what, body).then(function (r) {
			st.msgOk = r.ok;
			st.msg = r.ok ? t('desk.' + what + '.ok') +
			    (what === 'reply' ? ' ' + (r.data.emailed ?
			    t('cpl.emailed') : t('cpl.notemailed')) : '') :
			    errText(r);
			if (!r.ok) {
				update('desk-msg');
				return;
			}
			api('GET', '/api/v1/complaints/' + encodeURIComponent(
			    st.id)).then(function (g) {
				if (g.ok)
					st.c = g.data;
				redraw(false);
				update('desk-msg');
			});
		});
	}

	/* ---- the operator: SLA report, agencies, holiday calendar ---- */

	function isoDay(d) {
		return new Date(d.getTime() + 7 * 3600e3).toISOString().slice(0, 10);
	}

	var pageOperator = staffPage({
		load: function (st) {
			var now = new Date();
			st.to = st.to || isoDay(now);
			st.from = st.from || st.to.slice(0, 8) + '01';
			st.year = st.year || Number(st.to.slice(0, 4));
			Promise.all([api('GET', '/api/v1/agencies'),
			    api('GET', '/api/v1/holidays?year=' + st.year),
			    api('GET', '/api/v1/reports/sla?from=' + st.from +
			    '&to=' + st.to),
			    api('GET', '/api/v1/reports/stats?from=' + st.from +
			    '&to=' + st.to)]).then(function (rs) {
				st.stats = rs[3].ok ? rs[3].data : null;
				st.loaded = true;
				if (rs[0].status === 401) {
					S.me = null;
					st.needLogin = true;
				}
				st.agencies = rs[0].ok ? rs[0].data.agencies || [] : [];
				st.holidays = rs[1].ok ? rs[1].data.holidays || [] : [];
				st.sla = rs[2].ok ? rs[2].data : null;
				st.slaErr = rs[2].ok ? null : errText(rs[2]);
				redraw(false);
			});
		},
		view: function (st) {
			return [el('h1', null, t('op.title')), logoutButton(),
			    el('p', null, el('a', { href: href('/verifikator'),
			    'data-nav': '1' }, t('desk.queue.link')), ' · ',
			    el('a', { href: href('/petugas/pengaduan'),
			    'data-nav': '1' }, t('staff.desk.link'))),
			    st.msg ? notice(st.msgOk ? 'ok' : 'error', null,
			    el('p', { id: 'op-msg', tabindex: '-1' }, st.msg)) :
			    null,
			    slaSection(st), chartSection(st), agencySection(st),
			    holidaySection(st),
			    auditSection(st)];
		}
	});

	function pct(x) {
		return (Math.round(x * 1000) / 10).toLocaleString(S.lang === 'en' ?
		    'en-GB' : 'id-ID') + ' %';
	}

	function slaSection(st) {
		var r = st.sla, rows = [];
		if (r) {
			rows.push([t('op.sla.all'), r.overall]);
			(r.agencies || []).forEach(function (g) {
				rows.push([g.agency || g.code || g.name || '?', g]);
			});
		}
		return el('section', { 'aria-labelledby': 'sla-h' },
		    el('h2', { id: 'sla-h' }, t('op.sla')),
		    el('form', { id: 'sla-form', class: 'inline-form', on: {
		    submit: function (ev) {
			ev.preventDefault();
			st.from = val('sla-from');
			st.to = val('sla-to');
			pageOperator.load(st);
		    } } },
		    field('sla-from', t('op.from'), input('sla-from', {
		    type: 'date', value: st.from })),
		    field('sla-to', t('op.to'), input('sla-to', {
		    type: 'date', value: st.to })),
		    el('p', { class: 'actions' }, el('button', { type: 'submit',
		    id: 'sla-submit' }, t('op.sla.show')), ' ',
		    el('a', { class: 'button secondary-link', href:
		    '/api/v1/reports/sla?from=' + st.from + '&to=' + st.to +
		    '&format=csv', download: 'sla-' + st.from + '-' + st.to +
		    '.csv' }, t('op.sla.csv')))),
		    st.slaErr ? notice('error', null, el('p', null, st.slaErr)) :
		    null,
		    r ? el('div', { class: 'table-wrap', role: 'region',
		    'aria-labelledby': 'sla-h', tabindex: '0' },
		    el('table', { id: 'sla' }, el('caption', null,
		    t('op.sla.caption', { from: r.from, to: r.to })),
		    el('thead', null, el('tr', null, ['op.group', 'op.count',
		    'op.finished', 'op.within', 'op.pending', 'op.overdue',
		    'op.share', 'op.median'].map(function (k) {
			return el('th', { scope: 'col' }, t(k));
		    }))),
		    el('tbody', null, rows.map(function (x) {
			var g = x[1] || {};
			return el('tr', null, el('th', { scope: 'row' }, x[0]),
			    el('td', null, g.count), el('td', null, g.finished),
			    el('td', null, g.within_one_working_day),
			    el('td', null, g.pending), el('td', null, g.overdue),
			    el('td', null, pct(g.share_within_one_working_day ||
			    0)), el('td', null, String(g.median_working_hours)));
		    })))) : null);
	}

	/* Sums rows {key, group, count} by key, in key order. */
	function sumBy(rows) {
		var m = {};
		(rows || []).forEach(function (x) {
			m[x.key] = (m[x.key] || 0) + Number(x.count || 0);
		});
		return Object.keys(m).sort().map(function (k) {
			return { label: k, value: m[k] };
		});
	}

	/*
	 * A horizontal bar chart in SVG, built with Dom.svg; the figure's
	 * caption names it and the image's label reads out every bar.
	 */
	function barChart(id, title, items, max, fmt) {
		var svg = Dom.svg, rowH = 28, lw = 150, bw = 270, w = 520;
		var h = Math.max(1, items.length) * rowH + 8;
		fmt = fmt || String;
		max = max || Math.max.apply(null, items.map(function (x) {
			return x.value;
		}).concat([1]));
		return el('figure', { class: 'chart', id: id },
		    el('figcaption', null, title),
		    items.length ? svg('svg', { viewBox: '0 0 ' + w + ' ' + h,
		    width: '100%', role: 'img', focusable: 'false',
		    'aria-label': title + ': ' + items.map(function (x) {
			return x.label + ' ' + fmt(x.value);
		    }).join('; ') }, items.map(function (x, i) {
			var y = 4 + i * rowH, len = Math.round(bw * x.value / max);
			return svg('g', { 'aria-hidden': 'true' },
			    svg('text', { x: lw - 8, y: y + rowH / 2,
			    'text-anchor': 'end', 'dominant-baseline': 'middle',
			    'font-size': '14', fill: '#1b1f24' }, x.label),
			    svg('rect', { x: lw, y: y + 4, height: rowH - 8,
			    width: Math.max(len, 1), fill: '#0b5394' }),
			    svg('text', { x: lw + Math.max(len, 1) + 6,
			    y: y + rowH / 2, 'dominant-baseline': 'middle',
			    'font-size': '14', fill: '#1b1f24' }, fmt(x.value)));
		    })) : el('p', { class: 'hint' }, t('op.chart.none')));
	}

	function chartSection(st) {
		var s = st.stats, r = st.sla, share = [];
		if (!s && !r)
			return null;
		if (r) {
			share.push({ label: t('op.sla.all'), value:
			    (r.overall || {}).share_within_one_working_day || 0 });
			(r.agencies || []).forEach(function (g) {
				share.push({ label: g.agency || g.code || '?',
				    value: g.share_within_one_working_day || 0 });
			});
		}
		return el('section', { 'aria-labelledby': 'chart-h' },
		    el('h2', { id: 'chart-h' }, t('op.charts')),
		    s ? barChart('chart-days', t('op.chart.days'),
		    sumBy(s.applications_per_day)) : null,
		    r ? barChart('chart-share', t('op.chart.share'), share, 1,
		    pct) : null,
		    s ? barChart('chart-status', t('op.chart.status'),
		    sumBy(s.certificates_by_status).map(function (x) {
			var k = 'cst.' + x.label, v = t(k);
			return { label: v === k ? x.label : v, value: x.value };
		    })) : null,
		    s ? barChart('chart-agency', t('op.chart.agency'),
		    (function () {
			var m = {};
			(s.certificates_by_status || []).forEach(function (x) {
				m[x.group] = (m[x.group] || 0) + Number(x.count);
			});
			return Object.keys(m).sort().map(function (k) {
				return { label: k, value: m[k] };
			});
		    })()) : null);
	}

	function agencySection(st) {
		var soon = Date.now() + 60 * 86400e3;
		return el('section', { 'aria-labelledby': 'ag-h' },
		    el('h2', { id: 'ag-h' }, t('op.agencies')),
		    el('div', { class: 'table-wrap', role: 'region',
		    'aria-labelledby': 'ag-h', tabindex: '0' },
		    el('table', { id: 'agencies' }, el('thead', null,
		    el('tr', null, ['op.code', 'col.name', 'op.pks', 'op.pks.end',
		    'col.status'].map(function (k) {
			return el('th', { scope: 'col' }, t(k));
		    }))),
		    el('tbody', null, (st.agencies || []).map(function (a) {
			var end = Date.parse(a.pks_end), warn = !a.pks_valid_today ?
			    t('op.pks.invalid') : end < soon ? t('op.pks.soon') :
			    null;
			return el('tr', { class: warn ? 'late' : null },
			    el('td', null, a.code), el('td', null, a.name),
			    el('td', null, a.pks_number),
			    el('td', null, a.pks_end, warn ? el('strong', {
			    class: 'badge late' }, ' ', warn) : null),
			    el('td', null, a.status));
		    })))));
	}

	function holidaySection(st) {
		var admin = S.me.role === 'ADMIN';
		return el('section', { 'aria-labelledby': 'hol-h' },
		    el('h2', { id: 'hol-h' }, t('op.holidays', { year: st.year })),
		    el('div', { class: 'table-wrap', role: 'region',
		    'aria-labelledby': 'hol-h', tabindex: '0' },
		    el('table', { id: 'holidays' }, el('thead', null,
		    el('tr', null, el('th', { scope: 'col' }, t('op.date')),
		    el('th', { scope: 'col' }, t('op.hol.name')),
		    el('th', { scope: 'col' }, t('op.hol.kind')),
		    admin ? el('th', { scope: 'col' }, t('op.action')) : null)),
		    el('tbody', null, (st.holidays || []).map(function (h) {
			return el('tr', null, el('td', null, h.date),
			    el('td', null, S.lang === 'en' ? h.name_en :
			    h.name_id), el('td', null, t('op.kind.' + h.kind)),
			    admin ? el('td', null, el('button', { type: 'button',
			    class: 'secondary small', 'aria-label':
			    t('op.hol.delete.aria', { date: h.date }), on: {
			    click: function () {
				holidayAct(st, 'DELETE', h.date, null);
			    } } }, t('op.hol.delete'))) : null);
		    })))),
		    admin ? el('form', { id: 'hol-form', novalidate: true, on: {
		    submit: function (ev) {
			ev.preventDefault();
			if (!/^\d{4}-\d{2}-\d{2}$/.test(val('hol-date')) ||
			    !val('hol-id')) {
				st.msgOk = false;
				st.msg = t('op.hol.v');
				update('op-msg');
				return;
			}
			holidayAct(st, 'PUT', val('hol-date'), {
			    name_id: val('hol-id'), name_en: val('hol-en') ||
			    val('hol-id'), kind: val('hol-kind') });
		    } } }, el('h3', null, t('op.hol.add')),
		    field('hol-date', t('op.date'), input('hol-date', {
		    type: 'date' })),
		    field('hol-id', t('op.hol.name.id'), input('hol-id', {
		    maxlength: '128' })),
		    field('hol-en', t('op.hol.name.en'), input('hol-en', {
		    maxlength: '128', lang: 'en' })),
		    field('hol-kind', t('op.hol.kind'), el('select', {
		    id: 'hol-kind' }, el('option', { value: 'holiday' },
		    t('op.kind.holiday')), el('option', { value: 'cuti_bersama' },
		    t('op.kind.cuti_bersama')))),
		    el('button', { type: 'submit', id: 'hol-submit' },
		    t('op.hol.save'))) : null);
	}

	/* The audit log: filters, the rows, the chain check on request. */
	function loadAudit(st) {
		var a = st.audit, q = [];
		['action', 'actor', 'q'].forEach(function (k) {
			if (a.f[k])
				q.push(k + '=' + encodeURIComponent(a.f[k]));
		});
		if (a.f.verify)
			q.push('verify=1');
		q.push('limit=100');
		a.busy = true;
		update('audit-submit');
		api('GET', '/api/v1/audit?' + q.join('&')).then(function (r) {
			a.busy = false;
			a.rows = r.ok ? r.data.rows || [] : null;
			a.chain = r.ok ? r.data.chain || null : null;
			a.err = r.ok ? null : errText(r);
			update('audit-result');
		});
	}

	function auditSection(st) {
		var a = st.audit || (st.audit = { f: {} });
		var c = a.chain;
		return el('section', { 'aria-labelledby': 'audit-h' },
		    el('h2', { id: 'audit-h' }, t('op.audit')),
		    el('form', { id: 'audit-form', class: 'inline-form',
		    novalidate: true, on: { submit: function (ev) {
			ev.preventDefault();
			a.f = { action: val('audit-action'), actor:
			    val('audit-actor'), q: val('audit-q'),
			    verify: checked('audit-verify') };
			loadAudit(st);
		    } } },
		    field('audit-action', t('op.audit.action'),
		    input('audit-action', { maxlength: '60', autocomplete:
		    'off', value: a.f.action || '' }), t('op.audit.action.hint')),
		    field('audit-actor', t('op.audit.actor'),
		    input('audit-actor', { maxlength: '120', autocomplete:
		    'off', value: a.f.actor || '' })),
		    field('audit-q', t('op.audit.q'), input('audit-q', {
		    maxlength: '200', autocomplete: 'off', value: a.f.q || '' })),
		    el('div', { class: 'check' }, input('audit-verify', {
		    type: 'checkbox', checked: !!a.f.verify }), ' ',
		    el('label', { for: 'audit-verify' }, t('op.audit.verify'))),
		    el('p', { class: 'actions' }, el('button', { type: 'submit',
		    id: 'audit-submit', disabled: a.busy }, t('op.audit.show')))),
		    el('div', { id: 'audit-result', tabindex: '-1' },
		    a.err ? notice('error', null, el('p', null, a.err)) : null,
		    c ? notice(c.intact ? 'ok' : 'error', c.intact ?
		    t('op.audit.intact') : t('op.audit.broken'), el('p', {
		    id: 'audit-chain' }, c.intact ? t('op.audit.intact.body',
		    { n: c.rows }) : t('op.audit.broken.body', { n: c.rows,
		    row: c.first_bad_row, detail: c.detail || '' }))) : null,
		    a.rows ? el('div', { class: 'table-wrap', role: 'region',
		    'aria-label': t('op.audit.caption', { n: a.rows.length }),
		    tabindex: '0' },
		    el('table', { id: 'audit' }, el('caption', null,
		    t('op.audit.caption', { n: a.rows.length })),
		    el('thead', null, el('tr', null, ['op.audit.ts',
		    'op.audit.actor', 'op.audit.action', 'op.audit.object',
		    'op.audit.detail'].map(function (k) {
			return el('th', { scope: 'col' }, t(k));
		    }))),
		    el('tbody', null, a.rows.map(function (x) {
			return el('tr', null, el('td', null, fmtIso(x.ts)),
			    el('td', null, x.actor), el('td', null,
			    el('code', null, x.action)), el('td', null,
			    el('code', { class: 'wrap' }, x.object)),
			    el('td', null, el('code', { class: 'wrap' },
			    typeof x.detail === 'string' ? x.detail :
			    JSON.stringify(x.detail))));
		    })))) : null));
	}

	function holidayAct(st, method, date, body) {
		api(method, '/api/v1/holidays/' + encodeURIComponent(date), body)
		    .then(function (r) {
			if (r.ok)
				st.year = Number(date.slice(0, 4));
			/* The list first, then the message: it describes the list. */
			return api('GET', '/api/v1/holidays?year=' + st.year).then(
			    function (g) {
				if (g.ok)
					st.holidays = g.data.holidays || [];
				st.msgOk = r.ok;
				st.msg = r.ok ? t(method === 'PUT' ? 'op.hol.saved' :
				    'op.hol.deleted', { date: date }) : errText(r);
				update('op-msg');
			});
		});
	}

	/* ---- not found ---- */

	var pageNotFound = {
		load: function () { redraw(false); },
		view: function () {
			return [el('h1', null, t('nf.title')),
			    el('p', null, t('nf.body')),
			    el('p', null, el('a', { href: S.lang === 'en' ?
			    '/en' : '/' }, t('nf.home')))];
		}
	};

	/* ---- start ---- */

	document.addEventListener('click', function (ev) {
		var a = ev.target.closest && ev.target.closest('a[data-nav]');
		if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey ||
		    ev.button !== 0 || S.hashMode)
			return;
		ev.preventDefault();
		go(a.getAttribute('href'));
	});
	window.addEventListener('popstate', function () { route(true); });
	window.addEventListener('hashchange', function () { route(true); });
	document.getElementById('lang').addEventListener('click', function () {
		setLang(S.lang === 'en' ? 'id' : 'en');
	});
	routes = [
		[new RegExp('^/aktivasi/' + ID_RE + '$'), pageActivation],
		[new RegExp('^/passphrase/' + ID_RE + '$'), pagePassphrase],
		[new RegExp('^/lupa-passphrase/' + ID_RE + '$'), pageReissue],
		[/^\/verifikator\/?$/, pageStaff],
		[new RegExp('^/verifikator/permohonan/' + ID_RE + '$'),
		    pageApplication],
		[new RegExp('^/verifikator/permintaan/' + ID_RE + '$'),
		    pageHolderRequest],
		[/^\/verifikasi\/?$/, pageVerify],
		[/^\/sertifikat\/?$/, pageHolder],
		[/^\/tanda-tangan\/?$/, pageSign],
		[/^\/operator\/?$/, pageOperator],
		[/^\/pengaduan\/?$/, pageComplaint],
		[new RegExp('^/pengaduan/status/' + ID_RE + '$'),
		    pageComplaintStatus],
		[/^\/petugas\/pengaduan\/?$/, pageComplaintDesk],
		[/^\/petugas\/pengaduan\/([A-Za-z0-9-]{4,40})$/,
		    pageComplaintOne]
	];
	initLang();
	path();
	chrome();
	route(false);
})();
