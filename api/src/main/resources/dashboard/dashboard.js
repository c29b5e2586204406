// The lakemirror dashboard: plain DOM and SVG, no libraries. Every request carries the caller's lakeFS keys
// (HTTP Basic), so the page shows exactly what the replication API lets that caller read.
'use strict';
(function () {
  const API = new URL('../v1', document.baseURI).pathname;
  const REFRESH_MS = 5000;
  const KEY = 'lakemirror.dashboard.credentials';
  const SVG = 'http://www.w3.org/2000/svg';
  let timer = null;

  const $ = (id) => document.getElementById(id);

  function credentials() {
    return sessionStorage.getItem(KEY);
  }

  function el(tag, attrs, ...children) {
    const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      node.setAttribute(k, String(v));
    }
    for (const c of children) {
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  async function api(path) {
    const response = await fetch(API + path, {
      headers: { 'Authorization': 'Basic ' + credentials(), 'Accept': 'application/json' },
      credentials: 'omit',
      cache: 'no-store',
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error((body && body.message) || ('HTTP ' + response.status));
      error.status = response.status;
      throw error;
    }
    return body;
  }

  async function allMirrors() {
    const mirrors = [];
    let after = '';
    for (;;) {
      const page = await api('/mirrors' + (after ? '?after=' + encodeURIComponent(after) : ''));
      mirrors.push(...page.results);
      if (!page.pagination.has_more || !page.pagination.next_offset) {
        return mirrors;
      }
      after = page.pagination.next_offset;
    }
  }

  function duration(seconds) {
    if (seconds < 60) return seconds + 's';
    if (seconds < 3600) return Math.floor(seconds / 60) + 'm' + String(seconds % 60).padStart(2, '0') + 's';
    return Math.floor(seconds / 3600) + 'h' + String(Math.floor(seconds % 3600 / 60)).padStart(2, '0') + 'm';
  }

  function branchRow(b) {
    const missing = b.missing_files || [];
    const state = b.stalled ? 'stalled' : b.in_sync ? 'in sync' : missing.length > 0 ? 'waiting for files' : 'behind';
    const note = b.stalled ? (b.stall_reason || '') : (b.last_error || '');
    const files = el('td', { class: 'missing' });
    missing.slice(0, 20).forEach((f, i) => {
      if (i > 0) files.append(el('br'));
      files.append(f);
    });
    if (missing.length > 20) files.append(el('br'), '… and ' + (missing.length - 20) + ' more');
    return el('tr', { 'data-branch': b.id, class: b.stalled ? 'stalled' : missing.length > 0 ? 'waiting' : '' },
      el('td', {}, b.id), el('td', {}, state),
      el('td', { class: 'num' }, duration(b.lag_seconds || 0)), el('td', { class: 'num' }, b.commits_behind || 0),
      el('td', {}, b.mirror_head ? b.mirror_head.slice(0, 12) : '-'),
      el('td', {}, b.source_head ? b.source_head.slice(0, 12) : '-'), files, el('td', {}, note));
  }

  // A source tag waits, like a branch head, for the files of its commit.
  function tagRow(t) {
    const missing = t.missing_files || [];
    const files = el('td', { class: 'missing' });
    missing.forEach((f, i) => {
      if (i > 0) files.append(el('br'));
      files.append(f);
    });
    if ((t.missing_count || 0) > missing.length) files.append(el('br'), '… and ' + (t.missing_count - missing.length) + ' more');
    return el('tr', { 'data-tag': t.id, class: 'waiting' },
      el('td', {}, 'tag ' + t.id), el('td', {}, 'waiting for files'), el('td', { class: 'num' }, '-'),
      el('td', { class: 'num' }, '-'), el('td', {}, '-'), el('td', {}, t.commit_id ? t.commit_id.slice(0, 12) : '-'),
      files, el('td', {}, ''));
  }

  // One polyline per branch: lag (seconds) over the history's window.
  function plot(history) {
    const w = 760, h = 180, left = 48, right = 8, top = 8, bottom = 22;
    const svg = el('svg:svg', { class: 'plot', viewBox: `0 0 ${w} ${h}`, role: 'img',
      'aria-label': 'lag over time of mirror ' + history.mirror_id });
    const series = history.branches.filter((b) => b.samples.length > 0);
    const times = series.flatMap((b) => b.samples.map((s) => s[0]));
    const now = times.length ? Math.max(...times) : Math.floor(Date.now() / 1000);
    // The axis spans the samples kept (at least a minute), not the whole window: a new process has minutes, not an hour.
    const oldest = times.length ? Math.min(...times) : now - 60;
    const start = Math.max(now - history.window_seconds, Math.min(oldest, now - 60));
    const maxLag = Math.max(2, ...series.flatMap((b) => b.samples.map((s) => s[1])));
    const x = (t) => left + (w - left - right) * (t - start) / Math.max(1, now - start);
    const y = (v) => top + (h - top - bottom) * (1 - v / maxLag);
    for (const f of [0, 0.5, 1]) {
      svg.append(el('svg:line', { class: 'grid', x1: left, x2: w - right, y1: y(maxLag * f), y2: y(maxLag * f) }));
      svg.append(el('svg:text', { x: 2, y: y(maxLag * f) + 3 }, duration(Math.round(maxLag * f))));
    }
    svg.append(el('svg:line', { class: 'axis', x1: left, x2: left, y1: top, y2: h - bottom }));
    svg.append(el('svg:line', { class: 'axis', x1: left, x2: w - right, y1: h - bottom, y2: h - bottom }));
    svg.append(el('svg:text', { x: left, y: h - 6 }, '-' + duration(now - start)));
    svg.append(el('svg:text', { x: w - right - 24, y: h - 6 }, 'now'));
    const legend = el('div', { class: 'legend' });
    series.forEach((b, i) => {
      const points = b.samples.map((s) => x(s[0]).toFixed(1) + ',' + y(s[1]).toFixed(1));
      if (points.length === 1) points.push((x(b.samples[0][0]) + 2).toFixed(1) + ',' + y(b.samples[0][1]).toFixed(1));
      svg.append(el('svg:polyline', { class: 'c' + (i % 6), points: points.join(' '), 'data-branch': b.branch,
        'data-samples': b.samples.length }));
      legend.append(el('span', {}, el('span', { class: 'swatch c' + (i % 6) }), b.branch));
    });
    if (series.length === 0) {
      svg.append(el('svg:text', { x: left + 8, y: top + 16 }, 'no samples yet'));
    }
    return el('div', {}, svg, legend);
  }

  async function mirrorCard(m) {
    const card = el('article', { class: 'mirror', 'data-mirror': m.id });
    card.append(el('h2', {}, m.name + ' ', el('span', { class: 'muted' },
      `${m.source_repository}@${m.source_region} → ${m.region}`), ' ',
      el('span', { class: 'status status-' + m.status }, m.status)));
    const message = m.source_error ? 'source: ' + m.source_error : m.status_message;
    if (message) card.append(el('p', { class: 'muted' }, message));
    const table = el('table', {}, el('tr', {}, ...['branch', 'state', 'lag', 'behind', 'mirror head', 'source head',
      'missing files', 'note'].map((t) => el('th', {}, t))));
    (m.branches || []).forEach((b) => table.append(branchRow(b)));
    (m.tags_waiting || []).forEach((t) => table.append(tagRow(t)));
    if (!m.branches || m.branches.length === 0) table.append(el('tr', {}, el('td', { colspan: 8 }, 'no branches yet')));
    card.append(table);
    try {
      const path = `/repositories/${encodeURIComponent(m.source_repository)}/mirrors/${encodeURIComponent(m.id)}/lag_history`;
      card.append(plot(await api(path)));
    } catch (e) {
      card.append(el('p', { class: 'error' }, 'lag history: ' + e.message));
    }
    return card;
  }

  async function refresh() {
    try {
      const mirrors = await allMirrors();
      const cards = await Promise.all(mirrors.map(mirrorCard));
      const section = $('mirrors');
      section.replaceChildren(...(cards.length ? cards : [el('p', { class: 'muted' }, 'no mirrors')]));
      section.classList.remove('hidden');
      $('error').classList.add('hidden');
      $('summary').textContent = `${mirrors.length} mirror(s), updated ${new Date().toLocaleTimeString()}`;
      document.body.setAttribute('data-loaded', String(Date.now()));
    } catch (e) {
      $('error').textContent = e.message;
      $('error').classList.remove('hidden');
      if (e.status === 401) signOut();
    }
  }

  function signedIn() {
    $('sign-in').classList.add('hidden');
    $('sign-out').classList.remove('hidden');
    refresh();
    clearInterval(timer);
    timer = setInterval(refresh, REFRESH_MS);
  }

  function signOut() {
    sessionStorage.removeItem(KEY);
    clearInterval(timer);
    $('sign-in').classList.remove('hidden');
    $('sign-out').classList.add('hidden');
    $('mirrors').classList.add('hidden');
    $('summary').textContent = 'not signed in';
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in').addEventListener('submit', (event) => {
      event.preventDefault();
      const id = $('access-key-id').value.trim();
      const secret = $('secret-access-key').value;
      sessionStorage.setItem(KEY, btoa(unescape(encodeURIComponent(id + ':' + secret))));
      $('secret-access-key').value = '';
      signedIn();
    });
    $('sign-out').addEventListener('click', signOut);
    if (credentials()) signedIn();
  });
})();
