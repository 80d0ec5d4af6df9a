// The debug console: plain DOM over the admin port's JSON API. Data is only ever put in the page with
// textContent (never innerHTML), and the page loads nothing but its own files (Content-Security-Policy).
'use strict';

(function () {
  const REFRESH_MS = 2000;
  const state = {tab: 'calls', callId: null, inboxId: null, inboxAvailable: false};

  const $ = (id) => document.getElementById(id);

  function el(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (className) e.className = className;
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  async function getJson(url) {
    const r = await fetch(url, {headers: {'Accept': 'application/json'}, cache: 'no-store'});
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    return {status: r.status, body: body};
  }

  function time(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleTimeString([], {hour12: false});
  }

  function outcomeClass(outcome) {
    if (outcome === 'success' || outcome === 'done') return 'ok';
    if (outcome === 'new' || outcome === 'processing') return 'neutral';
    return 'bad';
  }

  function fields(dl, pairs) {
    clear(dl);
    for (const [k, v] of pairs) {
      if (v === undefined || v === null || v === '') continue;
      dl.appendChild(el('dt', k));
      dl.appendChild(el('dd', v));
    }
  }

  function paramRows(tbody, params) {
    clear(tbody);
    const keys = Object.keys(params || {});
    if (keys.length === 0) {
      const tr = el('tr');
      tr.appendChild(el('td', '(none)', 'hint'));
      tbody.appendChild(tr);
    }
    for (const k of keys) {
      const tr = el('tr');
      tr.appendChild(el('th', k));
      tr.appendChild(el('td', params[k]));
      tbody.appendChild(tr);
    }
  }

  // ---- counters ---------------------------------------------------------------------------------------------
  async function loadStats() {
    const r = await getJson('/api/stats');
    if (r.status !== 200 || !r.body) return;
    const s = r.body;
    const req = s.requests || {};
    const failures = (s.requestsTotal || 0) - (req.success || 0);
    const rejections = Object.values(s.httpRejections || {}).reduce((a, b) => a + b, 0);
    const items = [
      ['calls', s.requestsTotal], ['success', req.success || 0], ['failed', failures],
      ['signature failures', s.signatureFailures], ['HTTP refusals', rejections], ['in flight', s.inFlight],
      ['kept', (s.recentCalls || {}).kept + ' / ' + (s.recentCalls || {}).capacity], ['uptime', uptime(s.uptimeSeconds)]
    ];
    const dl = $('stats');
    clear(dl);
    for (const [k, v] of items) {
      const div = el('div', null, 'stat');
      div.appendChild(el('dt', k));
      div.appendChild(el('dd', v));
      dl.appendChild(div);
    }
  }

  function uptime(seconds) {
    const s = Number(seconds) || 0;
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return h > 0 ? h + ' h ' + m + ' min' : m > 0 ? m + ' min ' + (s % 60) + ' s' : s + ' s';
  }

  // ---- recent calls -----------------------------------------------------------------------------------------
  async function loadCalls() {
    const r = await getJson('/api/calls?limit=200');
    if (r.status !== 200 || !r.body) return;
    $('calls-note').textContent = r.body.enabled ? ''
        : 'Recent calls are off (QIMEN_RECENT_CALLS=0).';
    const tbody = $('calls-body');
    clear(tbody);
    for (const c of r.body.calls) {
      const tr = el('tr', null, c.id === state.callId ? 'selected' : '');
      tr.dataset.id = c.id;
      tr.tabIndex = 0;
      const when = el('td', time(c.time));
      when.title = c.time;
      tr.appendChild(when);
      tr.appendChild(el('td', c.method || '—', 'method'));
      tr.appendChild(el('td', c.appKey || ''));
      tr.appendChild(el('td', c.customerId || ''));
      tr.appendChild(el('td', c.outcome, 'outcome ' + outcomeClass(c.outcome)));
      tr.appendChild(el('td', c.latencyMs.toFixed(2) + ' ms', 'num'));
      tr.addEventListener('click', () => selectCall(c.id));
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') selectCall(c.id); });
      tbody.appendChild(tr);
    }
    if (r.body.enabled && r.body.calls.length === 0) {
      const tr = el('tr');
      const td = el('td', 'No call yet. Calls on the public port appear here.', 'hint');
      td.colSpan = 6;
      tr.appendChild(td);
      tbody.appendChild(tr);
    }
  }

  function selectCall(id) {
    state.callId = id;
    for (const tr of $('calls-body').querySelectorAll('tr')) {
      tr.classList.toggle('selected', tr.dataset.id === id);
    }
    loadCall();
  }

  async function loadCall() {
    if (!state.callId) return;
    const reveal = $('call-reveal').checked;
    const r = await getJson('/api/calls/' + encodeURIComponent(state.callId) + (reveal ? '?reveal=true' : ''));
    const box = $('call-detail');
    box.hidden = false;
    if (r.status !== 200 || !r.body) {
      $('call-title').textContent = 'Call ' + state.callId + ': ' + ((r.body && r.body.error) || 'not available');
      fields($('call-summary'), []);
      paramRows($('call-params'), {});
      $('call-body').textContent = '';
      return;
    }
    const c = r.body;
    $('call-title').textContent = (c.method || '(no method)') + ' — ' + c.outcome;
    fields($('call-summary'), [
      ['id', c.id], ['received', c.time], ['outcome', c.outcome], ['message', c.message],
      ['latency', c.latencyMs.toFixed(2) + ' ms'], ['app_key', c.appKey], ['customerId', c.customerId],
      ['remote', c.remote], ['format', c.format], ['content type', c.contentType], ['body bytes', c.bodyLength]
    ]);
    paramRows($('call-params'), c.params);
    $('call-body').textContent = c.body || '(empty)';
    $('call-body-note').textContent = (c.masked ? '(masked)' : '(revealed)')
        + (c.bodyTruncated ? ' — first 64 KiB of ' + c.bodyLength + ' bytes' : '');
  }

  // ---- signature diagnostics --------------------------------------------------------------------------------
  async function loadSignatures() {
    const r = await getJson('/api/signature-failures');
    const list = $('signatures-list');
    clear(list);
    if (r.status !== 200 || !r.body) {
      $('signatures-note').textContent = 'Signature diagnostics are not available.';
      return;
    }
    if (!r.body.enabled) {
      $('signatures-note').textContent = 'Signature diagnostics off.';
      return;
    }
    const failures = r.body.failures || [];
    $('signatures-note').textContent = failures.length === 0
        ? 'No signature failure yet (the last ' + r.body.capacity + ' are kept).'
        : failures.length + ' signature failure(s), newest first (the last ' + r.body.capacity + ' are kept).';
    for (const f of failures) {
      const card = el('article', null, 'card');
      card.appendChild(el('h3', time(f.time) + '  ' + (f.method || '(no method)')));
      const dl = el('dl', null, 'fields');
      fields(dl, [['received at', f.time], ['remote', f.remote], ['app_key', f.appKey], ['customerId', f.customerId],
        ['sign_method', f.signMethod], ['sign received', f.received], ['canonical length', f.canonicalLength]]);
      card.appendChild(dl);
      if (f.explanation) card.appendChild(el('pre', f.explanation));
      if (Array.isArray(f.variants) && f.variants.length > 0) {
        const t = el('table', null, 'variants');
        const head = el('tr');
        for (const h of ['sign method', 'blank pairs', 'expected prefix', 'match']) head.appendChild(el('th', h));
        t.appendChild(head);
        for (const v of f.variants) {
          const tr = el('tr');
          tr.appendChild(el('td', v.signMethod));
          tr.appendChild(el('td', v.blankPairs));
          tr.appendChild(el('td', v.expectedPrefix, 'mono'));
          tr.appendChild(el('td', v.match ? 'yes' : 'no', v.match ? 'ok' : 'bad'));
          t.appendChild(tr);
        }
        card.appendChild(t);
      }
      if (f.canonical) {
        const details = el('details');
        details.appendChild(el('summary', 'canonical string (what was digested)'));
        details.appendChild(el('pre', f.canonical));
        card.appendChild(details);
      }
      list.appendChild(card);
    }
  }

  // ---- inbox ------------------------------------------------------------------------------------------------
  async function probeInbox() {
    const r = await getJson('/api/inbox?limit=1');
    state.inboxAvailable = r.status === 200;
    $('inbox-tab').hidden = !state.inboxAvailable;
  }

  async function loadInbox() {
    if (!state.inboxAvailable) return;
    const status = $('inbox-status').value;
    const r = await getJson('/api/inbox?limit=100' + (status ? '&status=' + encodeURIComponent(status) : ''));
    if (r.status !== 200 || !r.body) return;
    const counts = r.body.counts || {};
    $('inbox-counts').textContent = Object.keys(counts).map((k) => k + ' ' + counts[k]).join(' · ');
    const tbody = $('inbox-body');
    clear(tbody);
    for (const e of r.body.entries || []) {
      const tr = el('tr', null, String(e.id) === String(state.inboxId) ? 'selected' : '');
      tr.dataset.id = e.id;
      tr.tabIndex = 0;
      tr.appendChild(el('td', e.id, 'num'));
      tr.appendChild(el('td', time(e.received)));
      tr.appendChild(el('td', e.method, 'method'));
      tr.appendChild(el('td', e.customerId || ''));
      tr.appendChild(el('td', e.businessKey || ''));
      tr.appendChild(el('td', e.status, 'outcome ' + outcomeClass(e.status)));
      tr.appendChild(el('td', e.attempts, 'num'));
      tr.appendChild(el('td', e.lastError || '', 'error-text'));
      tr.addEventListener('click', () => selectInbox(e.id));
      tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') selectInbox(e.id); });
      tbody.appendChild(tr);
    }
  }

  function selectInbox(id) {
    state.inboxId = id;
    $('inbox-message').textContent = '';
    for (const tr of $('inbox-body').querySelectorAll('tr')) {
      tr.classList.toggle('selected', tr.dataset.id === String(id));
    }
    loadInboxEntry();
  }

  async function loadInboxEntry() {
    if (state.inboxId === null) return;
    const reveal = $('inbox-reveal').checked;
    const r = await getJson('/api/inbox/' + encodeURIComponent(state.inboxId) + (reveal ? '?reveal=true' : ''));
    $('inbox-detail').hidden = false;
    if (r.status !== 200 || !r.body) {
      $('inbox-title').textContent = 'Entry ' + state.inboxId + ': ' + ((r.body && r.body.error) || 'not available');
      $('inbox-retry').hidden = true;
      return;
    }
    const e = r.body;
    $('inbox-title').textContent = '#' + e.id + ' ' + e.method + ' — ' + e.status;
    fields($('inbox-summary'), [
      ['received', e.received], ['status', e.status], ['attempts', e.attempts], ['last error', e.lastError],
      ['method as sent', e.rawMethod], ['app_key', e.appKey], ['customerId', e.customerId],
      ['business key', e.businessKey], ['remote', e.remote], ['format', e.format], ['content type', e.contentType]
    ]);
    paramRows($('inbox-params'), e.params);
    $('inbox-body-text').textContent = e.body || '(empty)';
    $('inbox-retry').hidden = !(e.status === 'dead' || e.status === 'failed');
  }

  async function retry() {
    const id = state.inboxId;
    if (id === null) return;
    $('inbox-retry').disabled = true;
    try {
      const r = await fetch('/api/inbox/' + encodeURIComponent(id) + '/retry', {
        method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}', cache: 'no-store'
      });
      let body = null;
      try { body = await r.json(); } catch (e) { body = null; }
      $('inbox-message').textContent = r.ok ? 'Entry ' + id + ' queued again (status ' + (body && body.status) + ').'
          : 'Retry refused: ' + ((body && body.error) || ('HTTP ' + r.status));
    } finally {
      $('inbox-retry').disabled = false;
    }
    await loadInbox();
    await loadInboxEntry();
  }

  // ---- tabs and refresh ---------------------------------------------------------------------------------------
  function showTab(name) {
    state.tab = name;
    for (const b of document.querySelectorAll('.tabs [data-tab]')) {
      b.setAttribute('aria-selected', String(b.dataset.tab === name));
    }
    for (const id of ['calls', 'signatures', 'inbox']) $(id).hidden = id !== name;
    refresh();
  }

  async function refresh() {
    try {
      await loadStats();
      if (state.tab === 'calls') await loadCalls();
      else if (state.tab === 'signatures') await loadSignatures();
      else if (state.tab === 'inbox') await loadInbox();
      document.body.dataset.loaded = 'true';
    } catch (e) {
      // the server may be restarting: try again at the next tick, and say so
      $('calls-note').textContent = 'Cannot reach the admin port; retrying.';
    }
  }

  function start() {
    for (const b of document.querySelectorAll('.tabs [data-tab]')) {
      b.addEventListener('click', () => showTab(b.dataset.tab));
    }
    $('call-reveal').addEventListener('change', loadCall);
    $('inbox-reveal').addEventListener('change', loadInboxEntry);
    $('inbox-status').addEventListener('change', loadInbox);
    $('inbox-retry').addEventListener('click', retry);
    probeInbox().catch(() => {});
    refresh();
    setInterval(() => { if ($('auto-refresh').checked) refresh(); }, REFRESH_MS);
  }

  start();
})();
