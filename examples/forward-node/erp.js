#!/usr/bin/env node
// An internal ERP endpoint behind qimen-callback-server's HTTP target, in Node.js alone (no npm dependency).
//
// The server POSTs every call it forwards (and every inbox entry it delivers) to this endpoint as one JSON envelope,
// signed the Standard Webhooks way (https://www.standardwebhooks.com). This endpoint:
//  - verifies the signature: headers webhook-id, webhook-timestamp, webhook-signature ("v1,<base64 HMAC-SHA256 of
//    'id.timestamp.body'>", space-separated during a secret rotation; any one match is enough), compared in constant
//    time, the timestamp within 5 minutes of this clock; 401 otherwise;
//  - reads the envelope (400 when it is not one);
//  - answers inventory.query from an in-memory stock table, and records deliveryorder.create once per delivery
//    (webhook-id) and once per document (deliveryOrderCode), a repeated delivery acknowledged without a second record;
//  - answers HTTP 200 with {"flag", "code", "message", ...fields}; the server renders that in the caller's format.
//
// Settings, from the environment:
//   ERP_SECRET_FILE  a file holding the forwarding secret (the same file as the target's secret_file)
//   ERP_SECRET       the secret itself, when there is no file
//                    several secrets (a rotation): comma-separated or one a line, as the server reads them
//   ERP_PORT         port to listen on (default 8000; 0 = any free port, printed at start)
//   ERP_BIND         address to listen on (default 127.0.0.1)
//   ERP_PATH         the path the server posts to (default /qimen)
// A secret written whsec_<base64> is used as its decoded bytes, any other secret as its UTF-8 bytes, as the server does.
//
// GET /health answers {"status": "up"}; GET /deliveryorders lists what was recorded (document codes and ids only).
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');

const TOLERANCE_SECONDS = 5 * 60;
const MAX_ENVELOPE_BYTES = 32 * 1024 * 1024; // a body at the server's limit, base64 and JSON escaping included
const MAX_XML_DEPTH = 64;

// --- Standard Webhooks --------------------------------------------------------------------------------------------

function keyOf(secret) {
  if (secret.startsWith('whsec_')) {
    const b64 = secret.slice('whsec_'.length);
    // Buffer.from(..., 'base64') skips what is not base64: check the text first, as a strict decoder would
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
      throw new Error('a secret starting with whsec_ must be base64 after the prefix');
    }
    return Buffer.from(b64, 'base64');
  }
  return Buffer.from(secret, 'utf8');
}

function loadKeys(env) {
  let text;
  if (env.ERP_SECRET_FILE) {
    text = fs.readFileSync(env.ERP_SECRET_FILE, 'utf8');
  } else if (env.ERP_SECRET) {
    text = env.ERP_SECRET;
  } else {
    throw new Error("set ERP_SECRET_FILE (a file holding the target's secret) or ERP_SECRET");
  }
  // several secrets during a rotation, comma-separated or one a line, as the server's target reads them
  const secrets = text.split(/[,\r\n]/).map((s) => s.trim()).filter((s) => s !== '');
  if (secrets.length === 0) {
    throw new Error(`no secret in ${env.ERP_SECRET_FILE ? 'ERP_SECRET_FILE' : 'ERP_SECRET'}`);
  }
  return secrets.map(keyOf);
}

function signature(key, id, timestamp, payload) {
  return crypto.createHmac('sha256', key).update(`${id}.${timestamp}.`, 'utf8').update(payload).digest('base64');
}

/** null when the message is authentic and fresh, else why not (for the log: holds no secret). */
function verify(headers, payload, keys, nowSeconds) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const header = headers['webhook-signature'];
  if (!id || !timestamp || !header) {
    return 'missing webhook-id, webhook-timestamp or webhook-signature';
  }
  if (!/^[0-9]{1,12}$/.test(timestamp)) {
    return 'webhook-timestamp is not Unix seconds';
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) {
    return 'webhook-timestamp is more than 5 minutes away from this clock';
  }
  const given = header.split(' ').filter((p) => p.startsWith('v1,')).map((p) => Buffer.from(p.slice(3), 'utf8'));
  let ok = false;
  for (const key of keys) {
    const expected = Buffer.from(signature(key, id, timestamp, payload), 'utf8');
    for (const sig of given) {
      // timingSafeEqual needs equal lengths; a length says nothing about the key
      ok = (sig.length === expected.length && crypto.timingSafeEqual(sig, expected)) || ok;
    }
  }
  return ok ? null : 'no v1 signature matches';
}

// --- the envelope ---------------------------------------------------------------------------------------------------

class BadEnvelope extends Error {}

function parseEnvelope(payload) {
  let env;
  try {
    env = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (e) {
    throw new BadEnvelope('not a JSON document');
  }
  if (env === null || typeof env !== 'object' || Array.isArray(env)) {
    throw new BadEnvelope('not a JSON object');
  }
  for (const name of ['callId', 'method', 'normalizedMethod']) {
    if (typeof env[name] !== 'string' || env[name] === '') {
      throw new BadEnvelope(`${name} is missing`);
    }
  }
  for (const name of ['appKey', 'customerId', 'contentType', 'charset', 'format', 'body', 'bodyBase64', 'receivedAt',
    'businessKey']) {
    if (env[name] != null && typeof env[name] !== 'string') {
      throw new BadEnvelope(`${name} is not a string`);
    }
  }
  for (const name of ['entryId', 'attempt']) {
    if (name in env && !Number.isInteger(env[name])) {
      throw new BadEnvelope(`${name} is not a number`);
    }
  }
  const params = env.params;
  if (params === null || typeof params !== 'object' || Array.isArray(params)
    || !Object.values(params).every((v) => typeof v === 'string')) {
    throw new BadEnvelope('params is not an object of strings');
  }
  if (env.body == null && env.bodyBase64 == null) {
    throw new BadEnvelope('neither body nor bodyBase64');
  }
  return env;
}

// --- the business data ----------------------------------------------------------------------------------------------

/** A Qimen failure answer: code and message. */
class Refusal extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXml(text) {
  return text.replace(/&([^;&<]{1,10});/g, (m, name) => {
    if (name in ENTITIES) {
      return ENTITIES[name];
    }
    const n = /^#x[0-9a-fA-F]{1,6}$/.test(name) ? parseInt(name.slice(2), 16)
      : /^#[0-9]{1,7}$/.test(name) ? parseInt(name.slice(1), 10) : -1;
    if (n < 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) {
      throw new Refusal('invalid-body', 'the XML body uses an undeclared entity');
    }
    return String.fromCodePoint(n);
  });
}

/**
 * The XML body as nested objects, repeated elements as arrays, the root element dropped (as the server does).
 * Node has no XML parser: this reads the element-only documents Qimen sends (elements, text, CDATA, comments, the
 * XML declaration; attributes skipped) and refuses anything else, DTDs first — so no entity can be declared.
 */
function xmlTree(text) {
  const bad = (why) => new Refusal('invalid-body', `the body is not well-formed XML (${why})`);
  if (text.includes('<!DOCTYPE') || text.includes('<!ENTITY')) {
    throw new Refusal('invalid-body', 'DTDs are not accepted');
  }
  const stack = []; // {name, children: [[name, value]], text}
  let root = null;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (stack.length) {
      stack[stack.length - 1].text += unescapeXml(chunk);
    } else if (chunk.trim() !== '') {
      throw bad('text outside the root element');
    }
    if (lt < 0) {
      break;
    }
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt);
      if (end < 0) throw bad('unterminated declaration');
      i = end + 2;
    } else if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt);
      if (end < 0) throw bad('unterminated comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt);
      if (end < 0 || !stack.length) throw bad('misplaced CDATA');
      stack[stack.length - 1].text += text.slice(lt + 9, end);
      i = end + 3;
    } else if (text.startsWith('</', lt)) {
      const end = text.indexOf('>', lt);
      const name = end < 0 ? '' : text.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw bad('mismatched end tag');
      const value = open.children.length ? group(open.children) : open.text.trim();
      if (stack.length) {
        stack[stack.length - 1].children.push([name, value]);
      } else {
        root = value;
      }
      i = end + 1;
    } else {
      // a start tag; attribute values may hold '>' inside quotes
      let j = lt + 1;
      let quote = null;
      while (j < text.length && (quote || text[j] !== '>')) {
        if (quote && text[j] === quote) quote = null;
        else if (!quote && (text[j] === '"' || text[j] === "'")) quote = text[j];
        j++;
      }
      if (j >= text.length) throw bad('unterminated tag');
      const selfClosing = text[j - 1] === '/';
      const name = text.slice(lt + 1, selfClosing ? j - 1 : j).trim().split(/\s/)[0];
      if (!/^[A-Za-z_][\w.\-:]*$/.test(name)) throw bad('bad element name');
      if (root !== null) throw bad('two roots');
      if (selfClosing) {
        if (stack.length) stack[stack.length - 1].children.push([name, '']);
        else root = '';
      } else {
        if (stack.length >= MAX_XML_DEPTH) throw new Refusal('invalid-body', 'the XML body is nested too deeply');
        stack.push({ name, children: [], text: '' });
      }
      i = j + 1;
    }
  }
  if (stack.length || root === null) throw bad('unclosed element');
  return root;
}

function group(children) {
  const tree = Object.create(null); // an element named __proto__ is a field like any other
  for (const [name, value] of children) {
    if (Object.prototype.hasOwnProperty.call(tree, name)) {
      if (!Array.isArray(tree[name])) tree[name] = [tree[name]];
      tree[name].push(value);
    } else {
      tree[name] = value;
    }
  }
  return tree;
}

/** The call's business data as an object, from an XML, JSON or form body. */
function businessData(env) {
  const text = env.body;
  if (text == null) {
    throw new Refusal('invalid-body', `the body is not text in its charset ${env.charset}`);
  }
  const contentType = (env.contentType || '').toLowerCase();
  const stripped = text.trimStart();
  if (contentType.includes('xml') || (!contentType && stripped.startsWith('<'))) {
    return asObject(xmlTree(text));
  }
  if (contentType.includes('json') || (!contentType && stripped.startsWith('{'))) {
    let tree;
    try {
      tree = JSON.parse(text);
    } catch (e) {
      throw new Refusal('invalid-body', 'the body is not well-formed JSON');
    }
    if (tree && typeof tree === 'object' && Object.keys(tree).length === 1 && 'request' in tree) {
      tree = tree.request;
    }
    return asObject(tree);
  }
  if (contentType.includes('x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  return { ...env.params }; // no body: the business parameters travel as signed parameters
}

function asObject(tree) {
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) {
    throw new Refusal('invalid-body', 'the body is not a document of fields');
  }
  return tree;
}

function asList(value) {
  if (value == null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function textOf(tree, name) {
  const value = tree && typeof tree === 'object' && Object.prototype.hasOwnProperty.call(tree, name)
    ? tree[name] : null;
  return typeof value === 'string' ? value.trim() : '';
}

// --- the ERP --------------------------------------------------------------------------------------------------------

function nowText() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const STOCK = [
  // warehouseCode, itemCode, inventoryType, itemId, quantity, lockQuantity, batchCode, productDate, expireDate
  ['WH-HZ-01', 'SKU-TEE-WHT-M', 'ZP', 'ITEM-10001', 128, 6, 'B20261101', '2026-11-01', ''],
  ['WH-HZ-01', 'SKU-TEE-BLK-L', 'ZP', 'ITEM-10002', 42, 0, 'B20261015', '2026-10-15', ''],
  ['WH-HZ-01', 'SKU-TEE-BLK-L', 'CC', 'ITEM-10002', 3, 0, 'B20260901', '2026-09-01', ''],
  ['WH-SH-02', 'SKU-TEE-WHT-M', 'ZP', 'ITEM-10001', 75, 10, 'B20261120', '2026-11-20', ''],
  ['WH-SH-02', 'SKU-MUG-350', 'ZP', 'ITEM-20001', 310, 12, 'B20260630', '2026-06-30', '2028-06-30'],
].map(([warehouseCode, itemCode, inventoryType, itemId, quantity, lockQuantity, batchCode, productDate, expireDate]) =>
  Object.fromEntries(Object.entries({
    warehouseCode, itemCode, itemId, inventoryType, quantity, lockQuantity, batchCode, productDate, expireDate,
  }).filter(([, v]) => v !== '')));

/** The in-memory ERP: a stock table and the delivery orders received (one thread: no lock needed). */
class Erp {
  constructor() {
    this.byDelivery = new Map(); // webhook-id -> order
    this.byCode = new Map(); // deliveryOrderCode -> order
    this.orders = [];
    this.deliveries = 0;
  }

  answer(env, webhookId) {
    const method = env.normalizedMethod;
    if (method === 'inventory.query') return this.inventory(businessData(env));
    if (method === 'deliveryorder.create') return this.deliveryOrder(env, webhookId);
    throw new Refusal('invalid-method', `this ERP does not answer ${method}`);
  }

  inventory(data) {
    let criteria = data.criteriaList;
    if (criteria && typeof criteria === 'object' && !Array.isArray(criteria)) criteria = criteria.criteria;
    criteria = asList(criteria).filter((c) => c && typeof c === 'object' && !Array.isArray(c));
    if (!criteria.length) throw new Refusal('missing-parameter', 'criteriaList/criteria is required');
    const items = [];
    for (const c of criteria) {
      const item = textOf(c, 'itemCode');
      if (!item) throw new Refusal('missing-parameter', 'itemCode is required in every criteria');
      const warehouse = textOf(c, 'warehouseCode');
      const kind = textOf(c, 'inventoryType');
      const rows = STOCK.filter((r) => r.itemCode === item && (!warehouse || r.warehouseCode === warehouse)
        && (!kind || r.inventoryType === kind)).map((r) => ({ ...r }));
      items.push(...(rows.length ? rows : [{
        warehouseCode: warehouse, itemCode: item, inventoryType: kind || 'ZP', quantity: 0, lockQuantity: 0,
      }]));
    }
    return { flag: 'success', code: '0', message: 'ok', items: { item: items } };
  }

  deliveryOrder(env, webhookId) {
    const order = businessData(env).deliveryOrder;
    const code = textOf(order, 'deliveryOrderCode');
    if (!code) throw new Refusal('missing-parameter', 'deliveryOrder/deliveryOrderCode is required');
    this.deliveries++;
    let known = this.byDelivery.get(webhookId) || this.byCode.get(code);
    let message = 'ok, already received';
    if (!known) {
      known = {
        deliveryOrderId: `ERP-OB-${String(this.orders.length + 1).padStart(6, '0')}`, deliveryOrderCode: code,
        warehouseCode: textOf(order, 'warehouseCode'), webhookId, entryId: env.entryId ?? null,
        attempt: env.attempt ?? null, callId: env.callId, createTime: nowText(),
      };
      this.orders.push(known);
      this.byCode.set(code, known);
      message = 'ok';
    }
    this.byDelivery.set(webhookId, known);
    log(`deliveryorder.create ${code}: ${message} as ${known.deliveryOrderId}`
      + ` (webhook-id ${webhookId}, attempt ${env.attempt ?? null})`);
    return {
      flag: 'success', code: '0', message, deliveryOrderId: known.deliveryOrderId,
      warehouseCode: known.warehouseCode, createTime: known.createTime,
    };
  }

  recorded() {
    return { orders: this.orders.map((o) => ({ ...o })), deliveries: this.deliveries };
  }
}

// --- HTTP -----------------------------------------------------------------------------------------------------------

function log(line) {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function sendJson(res, status, document, close) {
  const data = Buffer.from(JSON.stringify(document), 'utf8');
  const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.length };
  if (close) headers.Connection = 'close';
  res.writeHead(status, headers);
  res.end(data);
}

function handle(req, res, erp, keys, path, payload) {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/health') return sendJson(res, 200, { status: 'up' });
  if (req.method === 'GET' && url.pathname === '/deliveryorders') return sendJson(res, 200, erp.recorded());
  if (req.method !== 'POST' || url.pathname !== path) return sendJson(res, 404, { error: 'not found' });
  const why = verify(req.headers, payload, keys, Date.now() / 1000);
  if (why !== null) {
    log(`refused (401): ${why}`);
    return sendJson(res, 401, { flag: 'failure', code: 'sign-check-failure', message: 'bad webhook signature' });
  }
  let env;
  try {
    env = parseEnvelope(payload);
  } catch (e) {
    if (!(e instanceof BadEnvelope)) throw e;
    log(`refused (400): ${e.message}`);
    return sendJson(res, 400, { flag: 'failure', code: 'invalid-envelope', message: e.message });
  }
  let answer;
  try {
    answer = erp.answer(env, req.headers['webhook-id']);
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    answer = { flag: 'failure', code: e.code, message: e.message };
    if ('entryId' in env) {
      // an inbox delivery: any 2xx marks the entry done, so a push not stored must not be answered 200;
      // 422 has the inbox retry it and, at its last attempt, keep it as dead for someone to look at
      log(`refused delivery (422): ${e.code}`);
      return sendJson(res, 422, answer);
    }
  }
  // a forwarded call: its caller reads the refusal from the flag and code (a 4xx would be a system-error)
  return sendJson(res, 200, answer);
}

function main() {
  let keys;
  let port;
  try {
    keys = loadKeys(process.env);
    port = Number(process.env.ERP_PORT ?? '8000');
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`ERP_PORT: not a port: ${process.env.ERP_PORT}`);
  } catch (e) {
    process.stderr.write(`erp.js: ${e.message}\n`);
    process.exit(2);
  }
  const bind = process.env.ERP_BIND || '127.0.0.1';
  const path = process.env.ERP_PATH || '/qimen';
  const erp = new Erp();
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_ENVELOPE_BYTES) {
        if (!tooLarge) {
          tooLarge = true;
          sendJson(res, 413, { flag: 'failure', code: 'invalid-body', message: 'envelope too large' }, true);
          req.destroy();
        }
      } else {
        chunks.push(chunk);
      }
    });
    req.on('error', () => {}); // a client that went away: nothing to answer
    req.on('end', () => {
      if (tooLarge) return;
      try {
        handle(req, res, erp, keys, path, Buffer.concat(chunks));
      } catch (e) {
        // never a crash, never a trace with data in it
        const errorId = crypto.randomBytes(6).toString('hex');
        log(`error ${errorId}: ${e && e.name}`);
        if (!res.headersSent) {
          sendJson(res, 500, { flag: 'failure', code: 'system-error', message: `internal error ${errorId}` }, true);
        }
      }
    });
    res.on('finish', () => log(`${req.socket.remoteAddress} "${req.method} ${url(req)}" ${res.statusCode}`));
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  server.listen(port, bind, () => {
    process.stdout.write(`erp.js listening on http://${bind}:${server.address().port}${path} (${keys.length} secret(s))\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function url(req) {
  return String(req.url).split('?')[0].slice(0, 200);
}

if (require.main === module) {
  main();
}

module.exports = { keyOf, verify, parseEnvelope, xmlTree, Erp };
