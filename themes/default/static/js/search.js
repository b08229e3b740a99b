/* search.js: the search page of a planpress site, offline: reads ?q=, loads
 * the pages' names (search/n.js) with only the index shards of the query's
 * tokens (search/s/N.js), shows the best results' titles and kinds as soon
 * as those are in, and each one's snippet, with the matches in <mark>, when
 * its text file (search/t/N.js) arrives; files are loaded by adding <script>
 * elements (works from file://, where fetching is forbidden). Ranks title >
 * task fields > headings > body. Tokens, hashes and ranking are those of
 * generator/search.c. */
(function () {
	"use strict";
	var SHOWN = 5;             /* results shown at a time (as Pagefind's page of
	                            * results): each shown loads its text file */
	var SNIPPET_BEFORE = 30;   /* characters of context before the first match */
	var SNIPPET_LEN = 120;     /* characters of a snippet */
	var QUERY_MAX = 64;        /* tokens of a query: SEARCH_QUERY_MAX in search.h */
	var COVER_RUN = 5;         /* runs looked up by covering pairs: SEARCH_COVER_RUN */
	var NAMES = "n.js";        /* the names file: SEARCH_NAMES */

	var box = document.getElementById("pp-search");
	if (!box)
		return;
	var root = box.getAttribute("data-root") || "";
	var statusEl = box.querySelector(".search-status");
	var list = box.querySelector(".search-results");
	var meta = null, names = null;
	var shards = {}, texts = {};
	var waiting = {};          /* file -> callbacks */
	var loaded = [];           /* files this query loaded, for tests and make bench */

	window.PP_SEARCH = {
		meta: function (m) { meta = m; },
		names: function (kinds, plans, rows) { names = { kinds: kinds, plans: plans, rows: rows.split("\n"), got: {} }; },
		add: function (id, data) { shards[id] = data; },
		text: function (id, rows) { texts[id] = rows; }
	};

	/* Loads search/<file> once; calls done(ok) when it ran or failed. */
	function load(file, done) {
		if (waiting[file] === true)
			return done(true);
		if (waiting[file]) {
			waiting[file].push(done);
			return;
		}
		waiting[file] = [done];
		var s = document.createElement("script");
		s.charset = "utf-8";
		s.src = root + "search/" + file;
		function end(ok) {
			var cbs = waiting[file];
			waiting[file] = ok ? true : undefined;
			loaded.push(file);
			for (var i = 0; i < cbs.length; i++)
				cbs[i](ok);
		}
		s.onload = function () { end(true); };
		s.onerror = function () { end(false); };
		document.head.appendChild(s);
	}

	function loadAll(files, done) {
		var left = files.length, good = true;
		if (!left)
			return done(true);
		files.forEach(function (f) {
			load(f, function (ok) {
				good = good && ok;
				if (--left === 0)
					done(good);
			});
		});
	}

	/* ---- tokens, as search.c's search_tokens ---- */
	function fold(cp) {
		if ((cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A))
			cp -= 0xFEE0;
		if ((cp >= 65 && cp <= 90) || (cp >= 0xC0 && cp <= 0xDE && cp !== 0xD7))
			cp += 32;
		return cp;
	}
	function isIdeo(cp) {
		return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
			(cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFD);
	}
	function isWord(cp) {
		return (cp >= 48 && cp <= 57) || (cp >= 97 && cp <= 122) || (cp >= 65 && cp <= 90) ||
			(cp >= 0xC0 && cp <= 0x24F && cp !== 0xD7 && cp !== 0xF7) || (cp >= 0x370 && cp <= 0x4FF);
	}
	/* The query's tokens (pairs of CJK characters, a lone one alone, words)
	 * and its terms (each run of characters, folded), for highlighting. */
	function tokenize(q, wordMax) {
		var toks = [], terms = [], prev = null, run = 0, total = 0, word = "", wordc = 0, term = "";
		var chars = Array.from(q).map(function (ch) { return fold(ch.codePointAt(0)); });
		function endRun() {
			if (run === 1)
				toks.push(prev);
			/* A long run ends on its last pair, when every other pair did not. */
			if (run >= COVER_RUN && run % 2)
				toks.push(String.fromCodePoint(chars[at - 2]) + prev);
			run = 0;
		}
		function endWord() {
			if (word)
				toks.push(word);
			word = "";
			wordc = 0;
		}
		function endTerm() {
			if (term)
				terms.push(term);
			term = "";
		}
		for (var at = 0; at < chars.length; at++) {
			var cp = chars[at];
			var c = String.fromCodePoint(cp);
			if (isIdeo(cp)) {
				endWord();
				if (!run)
					for (total = 0; at + total < chars.length && isIdeo(chars[at + total]);)
						total++;
				/* A long run: every other pair from the first covers it. */
				if (run && (total < COVER_RUN || run % 2 === 1))
					toks.push(prev + c);
				prev = c;
				run++;
				term += c;
			} else if (isWord(cp)) {
				endRun();
				if (wordc < wordMax) {
					word += c;
					wordc++;
				}
				term += c;
			} else {
				endRun();
				endWord();
				endTerm();
			}
		}
		endRun();
		endWord();
		endTerm();
		var seen = {};
		toks = toks.filter(function (t) { return seen[t] ? false : (seen[t] = true); }).slice(0, QUERY_MAX);
		return { toks: toks, terms: terms };
	}

	function hash(tok) {
		var bytes = new TextEncoder().encode(tok), h = 2166136261;
		for (var i = 0; i < bytes.length; i++)
			h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
		return h;
	}

	/* The index's numbers: five bits a character, low first, from DIGITS;
	 * a character from its second half means more follow (search.c's
	 * search_put_number). */
	var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
	var DIGIT = new Uint8Array(128);
	for (var di = 0; di < DIGITS.length; di++)
		DIGIT[DIGITS.charCodeAt(di)] = di;
	/* The number in s at at[0], which moves past it. */
	function number(s, at) {
		var v = 0, sh = 0, c;
		do {
			c = DIGIT[s.charCodeAt(at[0]++)];
			v |= (c & 31) << sh;
			sh += 5;
		} while (c >= 32);
		return v >>> 0;
	}

	/* Postings: a string of numbers (page delta << 4 | field bits), as
	 * search.c writes them, into pages and their fields (typed arrays: a
	 * common pair has thousands). null when the token is in no page. */
	function postings(tok) {
		var p = shards[hash(tok) & (meta.shards - 1)][tok];
		if (!p)
			return null;
		var docs = new Int32Array(p.length), bits = new Uint8Array(p.length), doc = 0, n = 0, v = 0, sh = 0;
		for (var i = 0; i < p.length; i++) {
			var c = DIGIT[p.charCodeAt(i)];
			v |= (c & 31) << sh;
			if (c >= 32) {
				sh += 5;
				continue;
			}
			doc += v >>> 4;
			docs[n] = doc;
			bits[n++] = v & 15;
			v = 0;
			sh = 0;
		}
		return { n: n, docs: docs, bits: bits };
	}

	/* The pages with every token, best first (as search_index_run): by
	 * the fields holding every token, then the sum of each token's fields,
	 * then in the index's order (the site's, the units after the other
	 * pages, bulletins and notices last). */
	function rank(toks) {
		var n = 0, docs = null, all = null, sum = null;
		for (var k = 0; k < toks.length; k++) {
			var p = postings(toks[k]);
			if (!p)
				return [];
			if (!docs) {
				n = p.n;
				docs = p.docs;
				all = p.bits.slice();
				sum = new Int32Array(p.bits);
				continue;
			}
			var i = 0, j = 0, m = 0;
			while (i < n && j < p.n) {
				if (docs[i] < p.docs[j]) {
					i++;
				} else if (docs[i] > p.docs[j]) {
					j++;
				} else {
					docs[m] = docs[i];
					all[m] = all[i] & p.bits[j];
					sum[m++] = sum[i++] + p.bits[j++];
				}
			}
			n = m;
		}
		return new Hits(n, docs, all, sum);
	}

	/* A query's matches, in rank order on demand: the first few by
	 * selection, all of them sorted only when more are asked for. */
	function Hits(n, docs, all, sum) {
		this.length = n;
		this.sorted = null;
		this.better = function (a, b) {   /* does match a rank before b? */
			return all[a] !== all[b] ? all[a] > all[b] : sum[a] !== sum[b] ? sum[a] > sum[b] : docs[a] < docs[b];
		};
		this.docs = docs;
	}
	Hits.prototype.slice = function (from, to) {
		var self = this, top = [];
		to = Math.min(to, this.length);
		if (from === 0 && !this.sorted) {
			for (var q = 0; q < this.length; q++) {
				if (top.length === to && !this.better(q, top[to - 1]))
					continue;
				var at = top.length < to ? top.length : to - 1;
				while (at > 0 && this.better(q, top[at - 1])) {
					top[at] = top[at - 1];
					at--;
				}
				top[at] = q;
			}
		} else {
			if (!this.sorted) {
				this.sorted = new Array(this.length);
				for (var i = 0; i < this.length; i++)
					this.sorted[i] = i;
				this.sorted.sort(function (a, b) { return self.better(a, b) ? -1 : self.better(b, a) ? 1 : 0; });
			}
			top = this.sorted.slice(from, to);
		}
		return top.map(function (q) { return self.docs[q]; });
	};

	/* ---- showing ---- */
	function foldText(s) {
		var out = "";
		for (var ch of s) {
			var cp = ch.codePointAt(0);
			out += cp < 0x10000 ? String.fromCharCode(fold(cp)) : ch;
		}
		return out;   /* the same length in UTF-16 units: positions carry over */
	}

	/* Appends s to el with every occurrence of a term in <mark>. */
	function marked(el, s, terms) {
		var f = foldText(s), at = 0;
		while (at < s.length) {
			var best = -1, len = 0;
			terms.forEach(function (t) {
				var i = f.indexOf(t, at);
				if (i >= 0 && (best < 0 || i < best || (i === best && t.length > len))) {
					best = i;
					len = t.length;
				}
			});
			if (best < 0)
				break;
			el.appendChild(document.createTextNode(s.slice(at, best)));
			var m = document.createElement("mark");
			m.textContent = s.slice(best, best + len);
			el.appendChild(m);
			at = best + len;
		}
		el.appendChild(document.createTextNode(s.slice(at)));
	}

	/* Moves i off the second half of a surrogate pair: never split a character. */
	function whole(s, i) {
		var c = s.charCodeAt(i);
		return i > 0 && c >= 0xDC00 && c <= 0xDFFF ? i - 1 : i;
	}

	/* The text around the first match of a term; when no term is there
	 * whole (its pairs are apart, or past the text kept), of a token. */
	function snippet(text, terms, toks) {
		var f = foldText(text), first = -1;
		function find(list) {
			list.forEach(function (t) {
				var i = f.indexOf(t);
				if (i >= 0 && (first < 0 || i < first))
					first = i;
			});
		}
		find(terms);
		if (first < 0) {
			find(toks);
			if (first >= 0)
				terms = toks;
		}
		var from = whole(text, Math.max(0, first - SNIPPET_BEFORE));
		var to = whole(text, Math.min(text.length, from + SNIPPET_LEN));
		var p = document.createElement("p");
		p.className = "search-snippet";
		marked(p, (from > 0 ? "…" : "") + text.slice(from, to) + (to < text.length ? "…" : ""), terms);
		return p;
	}

	function label(key) {
		return box.getAttribute("data-" + key) || "";
	}

	/* Page d's link, title, kind and plan, from the names file: a line a
	 * page, its kind, plan, pre and suf as numbers, then middle, a tab and
	 * the title; the link is the first pre and last suf characters of the
	 * line before's around middle, anew every meta.names_run lines. */
	function nameOf(d) {
		var got = names.got;
		if (!got[d]) {
			var prev = "";
			for (var i = d - d % meta.names_run; i <= d; i++) {
				var r = names.rows[i], at = [0];
				var kind = number(r, at), plan = number(r, at), pre = number(r, at), suf = number(r, at);
				var tab = r.indexOf("\t", at[0]);
				var url = prev.slice(0, pre) + r.slice(at[0], tab) + prev.slice(prev.length - suf);
				got[i] = { url: url, title: r.slice(tab + 1), kind: names.kinds[kind], plan: names.plans[plan] };
				prev = url;
			}
		}
		return got[d];
	}

	function row(d, terms) {
		var r = nameOf(d);
		var li = document.createElement("li");
		var kind = document.createElement("span");
		kind.className = "search-kind kind-" + r.kind;
		kind.textContent = label("kind-" + r.kind) || r.kind;
		li.appendChild(kind);
		var h = document.createElement("h2");
		var a = document.createElement("a");
		a.href = root + r.url;
		marked(a, r.title, terms);
		h.appendChild(a);
		li.appendChild(h);
		if (r.plan) {
			var pl = document.createElement("p");
			pl.className = "search-plan";
			pl.textContent = r.plan;
			li.appendChild(pl);
		}
		return li;
	}

	/* Shows hits[from, from + SHOWN) in rank order at once (their names are
	 * in: data-first-ms), then each one's snippet when its text file
	 * arrives; data-ms when the last is in. */
	function show(hits, from, terms, toks, t0, more) {
		var ids = hits.slice(from, from + SHOWN), items = [];
		ids.forEach(function (d) {
			items.push(list.appendChild(row(d, terms)));
		});
		if (!box.hasAttribute("data-first-ms"))
			box.setAttribute("data-first-ms", (performance.now() - t0).toFixed(1));
		if (more)
			more.remove();
		function fileOf(d) {
			return "t/" + Math.floor(d / meta.group) + ".js";
		}
		var files = [];
		ids.forEach(function (d) {
			if (files.indexOf(fileOf(d)) < 0)
				files.push(fileOf(d));
		});
		var left = files.length;
		files.forEach(function (f) {
			load(f, function () {
				ids.forEach(function (d, i) {
					var group = texts[Math.floor(d / meta.group)], text = group && group[d % meta.group];
					if (fileOf(d) === f && text)
						items[i].appendChild(snippet(text, terms, toks));
				});
				if (--left)
					return;
				if (from + SHOWN < hits.length) {
					var b = document.createElement("button");
					b.type = "button";
					b.className = "search-more";
					b.textContent = label("more");
					b.onclick = function () { show(hits, from + SHOWN, terms, toks, performance.now(), b); };
					list.parentNode.appendChild(b);
				}
				done(t0);
			});
		});
	}

	function done(t0) {
		box.setAttribute("data-ms", (performance.now() - t0).toFixed(1));
		box.setAttribute("data-loaded", loaded.join(" "));
		box.setAttribute("data-done", "1");
	}

	function status(text) {
		statusEl.textContent = text;
	}

	function run(q) {
		var t0 = performance.now();
		var tk = tokenize(q, meta.word_max);
		if (!tk.toks.length) {
			status(label("empty"));
			return done(t0);
		}
		status(label("loading"));
		var files = [NAMES];
		tk.toks.forEach(function (t) {
			var f = "s/" + (hash(t) & (meta.shards - 1)) + ".js";
			if (files.indexOf(f) < 0)
				files.push(f);
		});
		loadAll(files, function (ok) {
			if (!ok || !names) {
				status(label("error"));
				return done(t0);
			}
			var r0 = performance.now();
			var hits = rank(tk.toks);
			box.setAttribute("data-rank-ms", (performance.now() - r0).toFixed(1));
			if (!hits.length) {
				status(label("none").replace("{q}", function () { return q; }));
				return done(t0);
			}
			status(label("count").replace("{n}", function () { return String(hits.length); }));
			show(hits, 0, tk.terms, tk.toks, t0, null);
		});
	}

	var q = new URLSearchParams(location.search).get("q") || "";
	var input = document.getElementById("pp-search-q");
	if (input)
		input.value = q;
	var site = document.getElementById("pp-site-q");
	if (site)
		site.value = q;
	/* The names with meta, when there is a query: they are a few per cent
	 * of the index, and every query's results need them. */
	if (q.trim())
		load(NAMES, function () {});
	load("meta.js", function (ok) {
		if (!ok || !meta) {
			status(label("error"));
			return done(performance.now());
		}
		run(q.trim());
	});
})();
