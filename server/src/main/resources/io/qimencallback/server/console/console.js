// The debug console: plain DOM over the admin port's JSON API. Data is only ever put in the page with
// textContent (never innerHTML), and the page loads nothing but its own files (Content-Security-Policy).
// Every visible string is in MESSAGES, one table per language; data (methods, codes, bodies) is shown as sent.
'use strict';

(function () {
  const REFRESH_MS = 2000;
  const LANG_KEY = 'qimen.console.lang';
  const CHINA_OFFSET_MS = 8 * 3600 * 1000; // China Standard Time has no daylight saving: GMT+8 all year

  const MESSAGES = {
    'en': {
      'title': 'Qimen debug console',
      'language': 'Language',
      'tab.calls': 'Recent calls',
      'tab.signatures': 'Signature diagnostics',
      'tab.inbox': 'Inbox',
      'autoRefresh': 'auto-refresh (2 s)',
      'col.time': 'Time (GMT+8)',
      'col.method': 'Method',
      'col.appKey': 'app_key',
      'col.customerId': 'customerId',
      'col.outcome': 'Outcome',
      'col.latency': 'Latency',
      'col.id': 'ID',
      'col.received': 'Received (GMT+8)',
      'col.businessKey': 'Business key',
      'col.status': 'Status',
      'col.attempts': 'Attempts',
      'col.lastError': 'Last error',
      'col.consumer': 'For',
      'tab.routes': 'Routes',
      'col.order': '#', 'col.methods': 'Methods', 'col.route': 'Where they go', 'col.origin': 'Written in',
      'routes.note': 'Where a verified call goes, by its normalized method: the first line that matches decides.',
      'consumer.api': 'inbox API', 'consumer.handler': 'inbox handler', 'consumer.target': 'target {0}',
      'consumer.unassigned': 'not assigned yet',
      'consumer.missing': '{0} — not configured on this server: kept pending until it is back',
      'f.consumer': 'for',
      'status.all': 'all',
      'status.new': 'new',
      'status.processing': 'processing',
      'status.done': 'done',
      'status.failed': 'failed',
      'status.dead': 'dead',
      'close': 'Close',
      'copyCapture': 'Copy as capture',
      'copyCaptureHint': 'The exact request as a raw HTTP file, for: java -jar qimen-server.jar verify FILE',
      'downloadCapture': 'Download .http',
      'downloadCaptureHint': 'The exact request bytes as a file (keeps a GBK body intact), for verify',
      'reveal': 'reveal personal data',
      'answer': 'Answer (as sent)',
      'params': 'Parameters',
      'signLeftOut': '(sign left out)',
      'body': 'Body',
      'ack': 'Ack',
      'ackHint': 'Mark done: the consumer has processed it (new, failed or dead entries)',
      'retry': 'Retry',
      'retryHint': 'Deliver again, attempts from zero (failed or dead entries)',
      'replay': 'Replay',
      'replayHint': 'Deliver this entry to its handler again',
      'delivery': 'Delivery',
      'call': 'Call',
      'footer': 'Personal data (names, phones, addresses, ids) is masked unless you tick “reveal”; a capture is the exact '
          + 'request and is not masked. Served on the admin port only. Times are China time (GMT+8); hover for UTC.',
      'calls.off': 'Recent calls are off (QIMEN_RECENT_CALLS=0).',
      'calls.none': 'No call yet. Calls on the public port appear here.',
      'unreachable': 'Cannot reach the admin port; retrying.',
      'stat.calls': 'calls', 'stat.success': 'success', 'stat.failed': 'failed',
      'stat.sigFailures': 'signature failures', 'stat.refusals': 'HTTP refusals', 'stat.inFlight': 'in flight',
      'stat.kept': 'kept', 'stat.uptime': 'uptime',
      'uptime.h': '{0} h {1} min', 'uptime.m': '{0} min {1} s', 'uptime.s': '{0} s',
      'f.id': 'id', 'f.received': 'received', 'f.outcome': 'outcome', 'f.message': 'message',
      'f.latency': 'latency', 'f.appKey': 'app_key', 'f.customerId': 'customerId', 'f.remote': 'remote',
      'f.format': 'format', 'f.contentType': 'content type', 'f.bodyBytes': 'body bytes', 'f.errorId': 'error id',
      'f.error': 'error',
      'f.rawMethod': 'method as sent', 'f.businessKey': 'business key', 'f.status': 'status',
      'f.attempts': 'attempts', 'f.lastError': 'last error', 'f.nextAttempt': 'next attempt',
      'f.updated': 'last change', 'f.bodyBytesInbox': 'body bytes', 'f.deliveredTo': 'delivered to',
      'f.callId': 'call id',
      'notAvailable': 'not available',
      'call.missing': 'Call {0}: {1}',
      'none': '(none)', 'empty': '(empty)', 'noMethod': '(no method)',
      'masked': '(masked)', 'revealed': '(revealed)',
      'truncated': ' — first 64 KiB of {0} bytes',
      'noAnswer': 'No Qimen answer: the HTTP layer refused the request ({0}).',
      'sig.notice': 'The signature did not match (sign-check-failure): the gateway signed with another secret, '
          + 'or the request changed on the way.',
      'sig.link': 'See its diagnosis',
      'sig.linkNone': 'Signature diagnostics (none kept for this call: diagnostics off, or it is too old)',
      'sysErr.notice': 'Internal error (system-error) with error id {0}: its cause is under “error” (masked; the '
          + 'caller was answered only the id). The server log has the stack trace on the line "system-error id={0}".',
      'copied': 'Copied ({0} bytes). Save it as a file and run: java -jar qimen-server.jar verify FILE',
      'copyFailed': 'Cannot copy: {0}',
      'notUtf8': 'the body is not UTF-8 text; use “Download .http” for the exact bytes',
      'sig.off': 'Signature diagnostics off.',
      'sig.unavailable': 'Signature diagnostics are not available.',
      'sig.none': 'No signature failure yet (the last {0} are kept).',
      'sig.count': '{0} signature failure(s), newest first (the last {1} are kept).',
      'sig.receivedAt': 'received at', 'sig.signMethod': 'sign_method', 'sig.signReceived': 'sign received',
      'sig.canonicalLength': 'canonical length', 'sig.explanationNote': 'The server\'s explanation (English):',
      'sig.vMethod': 'sign method', 'sig.vBlank': 'blank pairs', 'sig.vPrefix': 'expected prefix', 'sig.vMatch': 'match',
      'yes': 'yes', 'no': 'no',
      'sig.canonical': 'canonical string (what was digested)',
      'entry.missing': 'Entry {0}: {1}',
      'done.retry': 'Entry {0} queued again (status {1}).',
      'done.ack': 'Entry {0} acknowledged (status {1}).',
      'done.replay': 'Entry {0} replayed (status {1}).',
      'refused.retry': 'Retry refused: {0}', 'refused.ack': 'Ack refused: {0}', 'refused.replay': 'Replay refused: {0}',
      'inbox.none': 'No entry.'
    },
    'zh-CN': {
      'title': '奇门调试控制台',
      'language': '语言',
      'tab.calls': '最近调用',
      'tab.signatures': '签名诊断',
      'tab.inbox': '收件箱',
      'autoRefresh': '自动刷新（2 秒）',
      'col.time': '时间（GMT+8）',
      'col.method': '接口',
      'col.appKey': 'app_key',
      'col.customerId': 'customerId',
      'col.outcome': '结果',
      'col.latency': '耗时',
      'col.id': '编号',
      'col.received': '接收时间（GMT+8）',
      'col.businessKey': '业务单号',
      'col.status': '状态',
      'col.attempts': '投递次数',
      'col.lastError': '最近错误',
      'status.all': '全部',
      'status.new': 'new（待投递）',
      'status.processing': 'processing（投递中）',
      'status.done': 'done（已完成）',
      'status.failed': 'failed（失败待重试）',
      'status.dead': 'dead（已放弃）',
      'close': '关闭',
      'copyCapture': '复制为抓包文件',
      'copyCaptureHint': '原样请求的 HTTP 文本，保存后可运行：java -jar qimen-server.jar verify 文件',
      'downloadCapture': '下载 .http',
      'downloadCaptureHint': '原样请求字节保存为文件（GBK 请求体不变），用于 verify',
      'reveal': '显示个人信息',
      'answer': '应答（原样）',
      'params': '参数',
      'signLeftOut': '（不含 sign）',
      'body': '请求体',
      'ack': '确认',
      'ackHint': '标记为已完成：消费方已处理（new、failed 或 dead 的条目）',
      'retry': '重试',
      'retryHint': '重新投递，投递次数从零开始（failed 或 dead 的条目）',
      'replay': '重放',
      'replayHint': '把此条目再次投递给它的处理器',
      'delivery': '投递情况',
      'call': '调用',
      'footer': '个人信息（姓名、电话、地址、证件号）已脱敏，勾选“显示个人信息”才显示原文；抓包文件是原样请求，不脱敏。'
          + '仅在管理端口提供。时间为北京时间（GMT+8），鼠标悬停显示 UTC。',
      'calls.off': '最近调用记录已关闭（QIMEN_RECENT_CALLS=0）。',
      'calls.none': '还没有调用。公共端口收到的调用会显示在这里。',
      'unreachable': '无法连接管理端口，正在重试。',
      'stat.calls': '调用', 'stat.success': '成功', 'stat.failed': '失败',
      'stat.sigFailures': '签名失败', 'stat.refusals': 'HTTP 拒绝', 'stat.inFlight': '处理中',
      'stat.kept': '已保留', 'stat.uptime': '运行时间',
      'uptime.h': '{0} 小时 {1} 分', 'uptime.m': '{0} 分 {1} 秒', 'uptime.s': '{0} 秒',
      'f.id': '编号', 'f.received': '接收时间', 'f.outcome': '结果', 'f.message': '消息',
      'f.latency': '耗时', 'f.appKey': 'app_key', 'f.customerId': 'customerId', 'f.remote': '来源地址',
      'f.format': '格式', 'f.contentType': 'Content-Type', 'f.bodyBytes': '请求体字节数', 'f.errorId': '错误编号',
      'f.error': '错误',
      'f.rawMethod': '原始 method', 'f.businessKey': '业务单号', 'f.status': '状态',
      'f.attempts': '投递次数', 'f.lastError': '最近错误', 'f.nextAttempt': '下次投递',
      'f.updated': '最近变更', 'f.bodyBytesInbox': '请求体字节数', 'f.deliveredTo': '投递到',
      'f.callId': '调用编号',
      'notAvailable': '不可用',
      'call.missing': '调用 {0}：{1}',
      'none': '（无）', 'empty': '（空）', 'noMethod': '（无 method）',
      'masked': '（已脱敏）', 'revealed': '（未脱敏）',
      'truncated': ' — 共 {0} 字节，仅保留前 64 KiB',
      'noAnswer': '没有奇门应答：HTTP 层拒绝了该请求（{0}）。',
      'sig.notice': '签名不匹配（sign-check-failure）：网关用了另一个密钥签名，或请求在途中被改动。',
      'sig.link': '查看签名诊断',
      'sig.linkNone': '签名诊断（没有此调用的诊断：诊断未开启，或已过期）',
      'sysErr.notice': '服务器内部错误（system-error），错误编号 {0}：原因见“错误”一项（已脱敏；调用方只收到编号）。'
          + '服务器日志中 “system-error id={0}” 一行有堆栈。',
      'copied': '已复制（{0} 字节）。保存为文件后运行：java -jar qimen-server.jar verify 文件',
      'copyFailed': '无法复制：{0}',
      'notUtf8': '请求体不是 UTF-8 文本；请用“下载 .http”获取原样字节',
      'sig.off': '签名诊断未开启。',
      'sig.unavailable': '签名诊断不可用。',
      'sig.none': '还没有签名失败（保留最近 {0} 条）。',
      'sig.count': '{0} 条签名失败，最新的在前（保留最近 {1} 条）。',
      'sig.receivedAt': '接收时间', 'sig.signMethod': 'sign_method', 'sig.signReceived': '收到的 sign',
      'sig.canonicalLength': '待签名串长度', 'sig.explanationNote': '服务器的说明（英文）：',
      'sig.vMethod': '签名方法', 'sig.vBlank': '空值参数', 'sig.vPrefix': '期望的前缀', 'sig.vMatch': '匹配',
      'yes': '是', 'no': '否',
      'sig.canonical': '待签名串（实际参与摘要的内容）',
      'entry.missing': '条目 {0}：{1}',
      'done.retry': '条目 {0} 已重新排队（状态 {1}）。',
      'done.ack': '条目 {0} 已确认（状态 {1}）。',
      'done.replay': '条目 {0} 已重放（状态 {1}）。',
      'refused.retry': '重试被拒绝：{0}', 'refused.ack': '确认被拒绝：{0}', 'refused.replay': '重放被拒绝：{0}',
      'inbox.none': '没有条目。',
      'col.consumer': '投递给',
      'tab.routes': '路由',
      'col.order': '#', 'col.methods': '方法', 'col.route': '去向', 'col.origin': '配置位置',
      'routes.note': '已验签的调用按规范化方法名决定去向：第一条匹配的规则生效。',
      'consumer.api': '收件箱 API', 'consumer.handler': '收件箱处理器', 'consumer.target': '目标 {0}',
      'consumer.unassigned': '尚未分配',
      'consumer.missing': '{0} — 本服务器未配置：保持待投递，直到它恢复',
      'f.consumer': '投递给'
    }
  };

  const state = {tab: 'calls', callId: null, inboxId: null, inboxAvailable: false, lang: 'en', call: null,
    entry: null, diagnosis: null};

  const $ = (id) => document.getElementById(id);

  function t(key, ...args) {
    const table = MESSAGES[state.lang] || MESSAGES.en;
    const text = key in table ? table[key] : MESSAGES.en[key];
    if (text === undefined) {
      console.warn('console: no message ' + key); // a missing key is a bug, not a page error
      return key;
    }
    return text.replace(/\{(\d)\}/g, (m, i) => String(args[Number(i)]));
  }

  function el(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (className) e.className = className;
    return e;
  }

  /** A table cell that may be cut short with an ellipsis: the whole value on hover. */
  function cell(text, className) {
    const td = el('td', text, className);
    if (text !== undefined && text !== null && text !== '') td.title = String(text);
    return td;
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

  // ---- language ---------------------------------------------------------------------------------------------
  function initialLanguage() {
    let saved = null;
    try { saved = localStorage.getItem(LANG_KEY); } catch (e) { saved = null; }
    if (saved && MESSAGES[saved]) return saved;
    const wanted = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language]);
    for (const l of wanted) {
      if (/^zh\b/i.test(l || '')) return 'zh-CN';
      if (/^en\b/i.test(l || '')) return 'en';
    }
    return 'en';
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.title = t('title');
    for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
    for (const e of document.querySelectorAll('[data-i18n-title]')) e.title = t(e.dataset.i18nTitle);
    for (const e of document.querySelectorAll('[data-i18n-label]')) e.setAttribute('aria-label', t(e.dataset.i18nLabel));
    $('lang').value = state.lang;
  }

  function setLanguage(lang) {
    state.lang = MESSAGES[lang] ? lang : 'en';
    try { localStorage.setItem(LANG_KEY, state.lang); } catch (e) { /* private mode: not remembered */ }
    applyLanguage();
    if (state.call) renderCall(state.call);
    if (state.entry) renderEntry(state.entry);
    refresh();
  }

  // ---- times: China time (the gateway's and the sellers' clock), UTC on hover ------------------------------
  function pad(n, w) { return String(n).padStart(w || 2, '0'); }

  function parts(iso) {
    const ms = Date.parse(iso);
    if (isNaN(ms)) return null;
    const d = new Date(ms + CHINA_OFFSET_MS); // read with getUTC*: no dependence on the browser's own zone
    return {
      date: d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()),
      time: pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()),
      utc: new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '').replace('Z', '') + ' UTC'
    };
  }

  /** A cell: the time of day (or month-day and time) in GMT+8, the UTC time on hover. */
  function timeCell(iso, withDate) {
    const p = parts(iso);
    const td = el('td', p ? (withDate ? p.date.substring(5) + ' ' : '') + p.time : (iso || ''), 'c-time');
    if (p) td.title = p.date + ' ' + p.time + ' GMT+8 = ' + p.utc;
    return td;
  }

  function fullTime(iso) {
    const p = parts(iso);
    return p ? {text: p.date + ' ' + p.time + ' GMT+8', title: p.utc} : {text: iso || '', title: ''};
  }

  function outcomeClass(outcome) {
    if (outcome === 'success' || outcome === 'done') return 'ok';
    if (outcome === 'new' || outcome === 'processing') return 'neutral';
    return 'bad';
  }

  /** Label/value pairs; a value may be {text, title} (a time) or a DOM node. */
  function fields(dl, pairs) {
    clear(dl);
    for (const [k, v] of pairs) {
      if (v === undefined || v === null || v === '') continue;
      dl.appendChild(el('dt', t(k)));
      let dd;
      if (v instanceof Node) {
        dd = el('dd');
        dd.appendChild(v);
      } else if (typeof v === 'object') {
        dd = el('dd', v.text);
        if (v.title) dd.title = v.title;
      } else {
        dd = el('dd', v);
      }
      dl.appendChild(dd);
    }
  }

  function paramRows(tbody, params) {
    clear(tbody);
    const keys = Object.keys(params || {});
    if (keys.length === 0) {
      const tr = el('tr');
      tr.appendChild(el('td', t('none'), 'hint'));
      tbody.appendChild(tr);
    }
    for (const k of keys) {
      const tr = el('tr');
      tr.appendChild(el('th', k));
      tr.appendChild(el('td', params[k]));
      tbody.appendChild(tr);
    }
  }

  function openDetail(split, box, open) {
    box.hidden = !open;
    split.classList.toggle('open', open);
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
      ['stat.calls', s.requestsTotal], ['stat.success', req.success || 0], ['stat.failed', failures],
      ['stat.sigFailures', s.signatureFailures], ['stat.refusals', rejections], ['stat.inFlight', s.inFlight],
      ['stat.kept', (s.recentCalls || {}).kept + ' / ' + (s.recentCalls || {}).capacity],
      ['stat.uptime', uptime(s.uptimeSeconds)]
    ];
    const dl = $('stats');
    clear(dl);
    for (const [k, v] of items) {
      const div = el('div', null, 'stat');
      div.appendChild(el('dt', t(k)));
      div.appendChild(el('dd', v));
      dl.appendChild(div);
    }
  }

  function uptime(seconds) {
    const s = Number(seconds) || 0;
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return h > 0 ? t('uptime.h', h, m) : m > 0 ? t('uptime.m', m, s % 60) : t('uptime.s', s);
  }

  // ---- recent calls -----------------------------------------------------------------------------------------
  async function loadCalls() {
    const r = await getJson('/api/calls?limit=200');
    if (r.status !== 200 || !r.body) return;
    $('calls-note').textContent = r.body.enabled ? '' : t('calls.off');
    const tbody = $('calls-body');
    clear(tbody);
    for (const c of r.body.calls) {
      const tr = el('tr', null, c.id === state.callId ? 'selected' : '');
      tr.dataset.id = c.id;
      tr.tabIndex = 0;
      tr.appendChild(timeCell(c.time, false));
      tr.appendChild(cell(c.method || '—', 'c-method trunc mono'));
      tr.appendChild(cell(c.appKey || '', 'c-app trunc'));
      tr.appendChild(cell(c.customerId || '', 'c-customer trunc'));
      tr.appendChild(cell(c.outcome, 'c-outcome trunc outcome ' + outcomeClass(c.outcome)));
      tr.appendChild(el('td', c.latencyMs.toFixed(1) + ' ms', 'c-latency num'));
      tr.addEventListener('click', () => selectCall(c.id));
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') selectCall(c.id); });
      tbody.appendChild(tr);
    }
    if (r.body.enabled && r.body.calls.length === 0) {
      const tr = el('tr');
      const td = el('td', t('calls.none'), 'hint');
      td.colSpan = 6;
      tr.appendChild(td);
      tbody.appendChild(tr);
    }
  }

  function selectCall(id) {
    state.callId = id;
    $('call-message').textContent = '';
    for (const tr of $('calls-body').querySelectorAll('tr')) {
      tr.classList.toggle('selected', tr.dataset.id === id);
    }
    loadCall();
  }

  function closeCall() {
    state.callId = null;
    state.call = null;
    openDetail($('calls-split'), $('call-detail'), false);
    for (const tr of $('calls-body').querySelectorAll('tr.selected')) tr.classList.remove('selected');
  }

  async function loadCall() {
    if (!state.callId) return;
    const reveal = $('call-reveal').checked;
    const r = await getJson('/api/calls/' + encodeURIComponent(state.callId) + (reveal ? '?reveal=true' : ''));
    openDetail($('calls-split'), $('call-detail'), true);
    if (r.status !== 200 || !r.body) {
      state.call = null;
      $('call-title').textContent = t('call.missing', state.callId, (r.body && r.body.error) || t('notAvailable'));
      $('call-notice').hidden = true;
      fields($('call-summary'), []);
      paramRows($('call-params'), {});
      $('call-body').textContent = '';
      $('call-answer').textContent = '';
      return;
    }
    state.call = r.body;
    state.diagnosis = null;
    if (r.body.outcome === 'sign-check-failure') state.diagnosis = await findDiagnosis(r.body);
    renderCall(r.body);
  }

  function renderCall(c) {
    $('call-title').textContent = (c.method || t('noMethod')) + ' — ' + c.outcome;
    $('call-title').title = c.method || '';
    const received = fullTime(c.time);
    fields($('call-summary'), [
      ['f.id', c.id], ['f.received', received], ['f.outcome', c.outcome], ['f.message', c.message],
      ['f.error', c.error], ['f.errorId', c.errorId], ['f.latency', c.latencyMs.toFixed(2) + ' ms'], ['f.appKey', c.appKey],
      ['f.customerId', c.customerId], ['f.remote', c.remote], ['f.format', c.format],
      ['f.contentType', c.contentType], ['f.bodyBytes', c.bodyLength]
    ]);
    renderNotice(c);
    paramRows($('call-params'), c.params);
    $('call-answer').textContent = c.answer || t('noAnswer', c.outcome);
    $('call-answer-note').textContent = c.answer ? (c.masked ? t('masked') : t('revealed')) : '';
    $('call-body').textContent = c.body || t('empty');
    $('call-body-note').textContent = (c.masked ? t('masked') : t('revealed'))
        + (c.bodyTruncated ? t('truncated', c.bodyLength) : '');
    const capture = '/api/calls/' + encodeURIComponent(c.id) + '/capture';
    $('call-download').href = capture;
    $('call-download').download = (c.method || 'call').replace(/[^A-Za-z0-9._-]/g, '_') + '-' + c.id + '.http';
    $('call-copy').disabled = !c.capturable;
    $('call-download').classList.toggle('disabled', !c.capturable);
  }

  /** What a person needs next to a failure: the signature's diagnosis, or where a system-error's cause is. */
  function renderNotice(c) {
    const box = $('call-notice');
    clear(box);
    if (c.outcome === 'sign-check-failure') {
      box.appendChild(el('p', t('sig.notice')));
      const a = el('a', state.diagnosis ? t('sig.link') : t('sig.linkNone'), 'diagnosis-link');
      a.id = 'call-diagnosis';
      a.href = '#' + (state.diagnosis ? state.diagnosis : 'signatures');
      a.addEventListener('click', (e) => {
        e.preventDefault();
        showTab('signatures');
      });
      box.appendChild(a);
    } else if (c.outcome === 'system-error') {
      box.appendChild(el('p', t('sysErr.notice', c.errorId || '?')));
    }
    box.hidden = !box.firstChild;
  }

  /** The card id of the diagnosis of a call: same second, method, app_key and caller. */
  async function findDiagnosis(c) {
    const r = await getJson('/api/signature-failures');
    if (r.status !== 200 || !r.body || !r.body.enabled) return null;
    const second = Math.floor(Date.parse(c.time) / 1000);
    for (const f of r.body.failures || []) {
      if (Math.floor(Date.parse(f.time) / 1000) === second && (f.method || null) === (c.method || null)
          && (f.appKey || null) === (c.appKey || null) && f.remote === c.remote) {
        return diagnosisId(f);
      }
    }
    return null;
  }

  function diagnosisId(f) {
    return 'sig-' + (f.time + '-' + (f.method || '') + '-' + (f.remote || '') + '-' + (f.received || ''))
        .replace(/[^A-Za-z0-9_-]/g, '_');
  }

  async function copyCapture() {
    const c = state.call;
    if (!c) return;
    const msg = $('call-message');
    try {
      const r = await fetch('/api/calls/' + encodeURIComponent(c.id) + '/capture', {cache: 'no-store'});
      const bytes = await r.arrayBuffer();
      if (!r.ok) {
        let error = 'HTTP ' + r.status;
        try { error = JSON.parse(new TextDecoder().decode(bytes)).error || error; } catch (e) { /* not JSON */ }
        msg.textContent = t('copyFailed', error);
        return;
      }
      let text;
      try {
        text = new TextDecoder('utf-8', {fatal: true}).decode(bytes);
      } catch (e) {
        msg.textContent = t('copyFailed', t('notUtf8'));
        return;
      }
      await writeClipboard(text);
      msg.textContent = t('copied', bytes.byteLength);
    } catch (e) {
      msg.textContent = t('copyFailed', e && e.message ? e.message : String(e));
    }
  }

  async function writeClipboard(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return;
      } catch (e) {
        // no permission (an unfocused window): the older way below still works on a click
      }
    }
    const area = el('textarea', null, 'offscreen');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    document.body.removeChild(area);
    if (!ok) throw new Error('the browser refused to copy');
  }

  // ---- signature diagnostics --------------------------------------------------------------------------------
  async function loadSignatures() {
    const r = await getJson('/api/signature-failures');
    const list = $('signatures-list');
    clear(list);
    if (r.status !== 200 || !r.body) {
      $('signatures-note').textContent = t('sig.unavailable');
      return;
    }
    if (!r.body.enabled) {
      $('signatures-note').textContent = t('sig.off');
      return;
    }
    const failures = r.body.failures || [];
    $('signatures-note').textContent = failures.length === 0 ? t('sig.none', r.body.capacity)
        : t('sig.count', failures.length, r.body.capacity);
    let wanted = null;
    for (const f of failures) {
      const card = el('article', null, 'card');
      card.id = diagnosisId(f);
      const when = parts(f.time);
      card.appendChild(el('h3', (when ? when.time + '  ' : '') + (f.method || t('noMethod'))));
      const dl = el('dl', null, 'fields');
      fields(dl, [['sig.receivedAt', fullTime(f.time)], ['f.remote', f.remote], ['f.appKey', f.appKey],
        ['f.customerId', f.customerId], ['sig.signMethod', f.signMethod], ['sig.signReceived', f.received],
        ['sig.canonicalLength', f.canonicalLength]]);
      card.appendChild(dl);
      if (f.explanation) {
        if (state.lang !== 'en') card.appendChild(el('p', t('sig.explanationNote'), 'hint'));
        card.appendChild(el('pre', f.explanation));
      }
      if (Array.isArray(f.variants) && f.variants.length > 0) {
        const tbl = el('table', null, 'variants');
        const head = el('tr');
        for (const h of ['sig.vMethod', 'sig.vBlank', 'sig.vPrefix', 'sig.vMatch']) head.appendChild(el('th', t(h)));
        tbl.appendChild(head);
        for (const v of f.variants) {
          const tr = el('tr');
          tr.appendChild(el('td', v.signMethod));
          tr.appendChild(el('td', v.blankPairs));
          tr.appendChild(el('td', v.expectedPrefix, 'mono'));
          tr.appendChild(el('td', v.match ? t('yes') : t('no'), v.match ? 'ok' : 'bad'));
          tbl.appendChild(tr);
        }
        card.appendChild(tbl);
      }
      if (f.canonical) {
        const details = el('details');
        details.appendChild(el('summary', t('sig.canonical')));
        details.appendChild(el('pre', f.canonical));
        card.appendChild(details);
      }
      if (state.highlight && card.id === state.highlight) {
        card.classList.add('highlight');
        wanted = card;
      }
      list.appendChild(card);
    }
    if (wanted && state.scrollTo) {
      state.scrollTo = false;
      wanted.scrollIntoView({block: 'start'});
    }
  }

  // ---- routes -----------------------------------------------------------------------------------------------
  async function loadRoutes() {
    const r = await getJson('/api/routes');
    if (r.status !== 200 || !r.body) return;
    const tbody = $('routes-body');
    clear(tbody);
    (r.body.routes || []).forEach((line, i) => {
      const tr = el('tr');
      tr.appendChild(el('td', i + 1, 'c-order num'));
      tr.appendChild(cell(line.methods, 'c-methods trunc mono'));
      tr.appendChild(cell(line.route, 'c-route trunc mono'));
      tr.appendChild(cell(line.origin || '', 'c-origin trunc'));
      tbody.appendChild(tr);
    });
  }

  // ---- inbox ------------------------------------------------------------------------------------------------
  /** Who an entry is for, in words: a target, the inbox handler, or the inbox API (kept for it). */
  function consumerText(e) {
    const c = e.consumer;
    const who = c === null || c === undefined ? t('consumer.unassigned')
        : c === '' ? t('consumer.api') : c === 'handler' ? t('consumer.handler')
        : c.startsWith('target:') ? t('consumer.target', c.substring(7)) : c;
    return e.consumerMissing ? t('consumer.missing', who) : who;
  }

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
    const entries = r.body.entries || [];
    for (const e of entries) {
      const tr = el('tr', null, String(e.id) === String(state.inboxId) ? 'selected' : '');
      tr.dataset.id = e.id;
      tr.tabIndex = 0;
      tr.appendChild(el('td', e.id, 'c-id num'));
      tr.appendChild(timeCell(e.received, true));
      tr.appendChild(cell(e.method, 'c-method trunc mono'));
      tr.appendChild(cell(e.customerId || '', 'c-customer trunc'));
      tr.appendChild(cell(e.businessKey || '', 'c-key trunc'));
      tr.appendChild(cell(consumerText(e), 'c-consumer trunc' + (e.consumerMissing ? ' error-text' : '')));
      tr.appendChild(cell(e.status, 'c-outcome trunc outcome ' + outcomeClass(e.status)));
      tr.appendChild(el('td', e.attempts, 'c-attempts num'));
      tr.appendChild(cell(e.lastError || '', 'c-error trunc error-text'));
      tr.addEventListener('click', () => selectInbox(e.id));
      tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') selectInbox(e.id); });
      tbody.appendChild(tr);
    }
    if (entries.length === 0) {
      const tr = el('tr');
      const td = el('td', t('inbox.none'), 'hint');
      td.colSpan = 9;
      tr.appendChild(td);
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

  function closeInbox() {
    state.inboxId = null;
    state.entry = null;
    openDetail($('inbox-split'), $('inbox-detail'), false);
    for (const tr of $('inbox-body').querySelectorAll('tr.selected')) tr.classList.remove('selected');
  }

  async function loadInboxEntry() {
    if (state.inboxId === null) return;
    const reveal = $('inbox-reveal').checked;
    const r = await getJson('/api/inbox/' + encodeURIComponent(state.inboxId) + (reveal ? '?reveal=true' : ''));
    openDetail($('inbox-split'), $('inbox-detail'), true);
    if (r.status !== 200 || !r.body) {
      state.entry = null;
      $('inbox-title').textContent = t('entry.missing', state.inboxId, (r.body && r.body.error) || t('notAvailable'));
      for (const b of ['inbox-ack', 'inbox-retry', 'inbox-replay']) $(b).hidden = true;
      return;
    }
    state.entry = r.body;
    renderEntry(r.body);
  }

  function renderEntry(e) {
    $('inbox-title').textContent = '#' + e.id + ' ' + e.method + ' — ' + e.status;
    $('inbox-title').title = e.method;
    // the delivery history as the store keeps it: one status, its attempt count, where the last successful delivery
    // went, the last error and the times
    fields($('inbox-delivery'), [
      ['f.consumer', consumerText(e)], ['f.status', e.status], ['f.attempts', String(e.attempts)],
      ['f.deliveredTo', e.deliveredTo], ['f.lastError', e.lastError],
      ['f.received', fullTime(e.received)], ['f.updated', fullTime(e.updated)],
      ['f.nextAttempt', e.status === 'new' || e.status === 'failed' ? fullTime(e.nextAttemptAt) : null]
    ]);
    fields($('inbox-summary'), [
      ['f.callId', e.callId], ['f.rawMethod', e.rawMethod], ['f.appKey', e.appKey], ['f.customerId', e.customerId],
      ['f.businessKey', e.businessKey], ['f.remote', e.remote], ['f.format', e.format],
      ['f.contentType', e.contentType], ['f.bodyBytesInbox', e.bodyBytes]
    ]);
    paramRows($('inbox-params'), e.params);
    $('inbox-body-text').textContent = e.body || t('empty');
    $('inbox-ack').hidden = !(e.status === 'new' || e.status === 'failed' || e.status === 'dead');
    $('inbox-retry').hidden = !(e.status === 'dead' || e.status === 'failed');
    $('inbox-replay').hidden = e.status === 'processing';
  }

  /** POSTs an action on the open entry and says what the server answered. */
  async function inboxAction(action) {
    const id = state.inboxId;
    if (id === null) return;
    const button = $('inbox-' + action);
    button.disabled = true;
    try {
      const r = await fetch('/api/inbox/' + encodeURIComponent(id) + '/' + action, {
        method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}', cache: 'no-store'
      });
      let body = null;
      try { body = await r.json(); } catch (e) { body = null; }
      $('inbox-message').textContent = r.ok ? t('done.' + action, id, body && body.status)
          : t('refused.' + action, (body && body.error) || ('HTTP ' + r.status));
    } catch (e) {
      $('inbox-message').textContent = t('refused.' + action, t('unreachable'));
    } finally {
      button.disabled = false;
    }
    await loadInbox();
    await loadInboxEntry();
  }

  // ---- tabs and refresh ---------------------------------------------------------------------------------------
  function showTab(name) {
    state.tab = name;
    if (name === 'signatures') {
      state.highlight = state.diagnosis;
      state.scrollTo = Boolean(state.diagnosis);
    }
    for (const b of document.querySelectorAll('.tabs [data-tab]')) {
      b.setAttribute('aria-selected', String(b.dataset.tab === name));
    }
    for (const id of ['calls', 'signatures', 'inbox', 'routes']) $(id).hidden = id !== name;
    refresh();
  }

  async function refresh() {
    try {
      await loadStats();
      if (state.tab === 'calls') await loadCalls();
      else if (state.tab === 'signatures') await loadSignatures();
      else if (state.tab === 'routes') await loadRoutes();
      else if (state.tab === 'inbox') {
        await loadInbox();
        if (state.entry) await loadInboxEntry(); // its status moves on (delivered, failed again)
      }
      document.body.dataset.loaded = 'true';
    } catch (e) {
      // the server may be restarting: try again at the next tick, and say so
      $('calls-note').textContent = t('unreachable');
    }
  }

  function start() {
    state.lang = initialLanguage();
    applyLanguage();
    $('lang').addEventListener('change', () => setLanguage($('lang').value));
    for (const b of document.querySelectorAll('.tabs [data-tab]')) {
      b.addEventListener('click', () => showTab(b.dataset.tab));
    }
    $('call-reveal').addEventListener('change', loadCall);
    $('call-close').addEventListener('click', closeCall);
    $('call-copy').addEventListener('click', copyCapture);
    $('inbox-reveal').addEventListener('change', loadInboxEntry);
    $('inbox-close').addEventListener('click', closeInbox);
    $('inbox-status').addEventListener('change', loadInbox);
    for (const action of ['ack', 'retry', 'replay']) {
      $('inbox-' + action).addEventListener('click', () => inboxAction(action));
    }
    probeInbox().catch(() => {});
    refresh();
    setInterval(() => { if ($('auto-refresh').checked) refresh(); }, REFRESH_MS);
  }

  start();
})();
