/*
 * sertel portal: the one place where anything reaches the DOM.
 *
 * Every page is built with el(): text (strings, numbers, server data) only
 * ever becomes a Text node, attributes are set with setAttribute() from an
 * allow-list, and URLs in href/src must be same-origin paths, blob: or
 * data:image. Nothing in the portal uses innerHTML, outerHTML,
 * insertAdjacentHTML or document.write.
 */
'use strict';

(function () {
	var ATTRS = /^(id|class|for|type|name|value|placeholder|autocomplete|inputmode|pattern|maxlength|minlength|min|max|step|accept|capture|rows|cols|lang|hreflang|role|tabindex|title|alt|width|height|download|rel|target|colspan|scope|datetime|form|list|aria-[a-z]+|data-[a-z-]+|spellcheck|autocapitalize|enterkeyhint|dir|href|src|low|high|optimum|open)$/;
	var BOOL = { required: 1, disabled: 1, checked: 1, hidden: 1,
	    multiple: 1, readonly: 1, selected: 1, autofocus: 1, novalidate: 1,
	    muted: 1, autoplay: 1, playsinline: 1 };

	/* Same-origin paths, blob: and data: images only: never javascript:. */
	function safeUrl(u) {
		u = String(u);
		if (/^\/(?!\/)/.test(u) || /^#/.test(u) || /^blob:/.test(u) ||
		    /^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]*$/.test(u))
			return u;
		return '#';
	}

	function append(node, c) {
		if (c === null || c === undefined || c === false)
			return;
		if (Array.isArray(c)) {
			c.forEach(function (x) { append(node, x); });
			return;
		}
		if (c instanceof Node) {
			node.appendChild(c);
			return;
		}
		node.appendChild(document.createTextNode(String(c)));
	}

	/*
	 * el('p', {class: 'x'}, 'text', child, [more]) builds an element.
	 * Attributes named on* are refused; events go through {on: {click: f}}.
	 */
	function el(tag, attrs) {
		var n = document.createElement(tag), k, v, i;

		attrs = attrs || {};
		for (k in attrs) {
			if (!Object.prototype.hasOwnProperty.call(attrs, k))
				continue;
			v = attrs[k];
			if (v === null || v === undefined || v === false)
				continue;
			if (k === 'on') {
				for (i in v)
					n.addEventListener(i, v[i]);
			} else if (BOOL[k]) {
				n[k] = true;
				if (k !== 'selected' && k !== 'checked')
					n.setAttribute(k, '');
			} else if (k === 'value') {
				n.value = String(v);
			} else if (ATTRS.test(k)) {
				n.setAttribute(k, k === 'href' || k === 'src' ?
				    safeUrl(v) : String(v));
			} else {
				throw new Error('attribute not allowed: ' + k);
			}
		}
		for (i = 2; i < arguments.length; i++)
			append(n, arguments[i]);
		return n;
	}

	/* Replaces the children of node with the given content. */
	function fill(node) {
		var i;

		while (node.firstChild)
			node.removeChild(node.firstChild);
		for (i = 1; i < arguments.length; i++)
			append(node, arguments[i]);
		return node;
	}

	/* Sets the text of a node (the same escape rule: a Text node). */
	function text(node, s) {
		node.textContent = s === null || s === undefined ? '' : String(s);
		return node;
	}

	/* SVG for the charts: the same rules, its own tags and attributes. */
	var SVG_TAGS = /^(svg|g|rect|text|title|line)$/;
	var SVG_ATTRS = /^(id|class|role|viewBox|x|y|x1|x2|y1|y2|width|height|fill|stroke|stroke-width|text-anchor|dominant-baseline|font-size|font-weight|focusable|preserveAspectRatio|aria-[a-z]+)$/;

	function svg(tag, attrs) {
		var n, k, v, i;

		if (!SVG_TAGS.test(tag))
			throw new Error('svg element not allowed: ' + tag);
		n = document.createElementNS('http://www.w3.org/2000/svg', tag);
		attrs = attrs || {};
		for (k in attrs) {
			if (!Object.prototype.hasOwnProperty.call(attrs, k))
				continue;
			v = attrs[k];
			if (v === null || v === undefined || v === false)
				continue;
			if (!SVG_ATTRS.test(k))
				throw new Error('svg attribute not allowed: ' + k);
			n.setAttribute(k, String(v));
		}
		for (i = 2; i < arguments.length; i++)
			append(n, arguments[i]);
		return n;
	}

	window.Dom = { el: el, svg: svg, fill: fill, text: text,
	    safeUrl: safeUrl };
})();
