// The JavaScript that runs inside every isolate before the service module: it builds `ctx` from host callbacks,
// keeps the state, dispatches handlers and checks that what crosses back is plain JSON. Loaded by isolate-runtime.ts.
//
// Protocol (strings only cross): results are tagged by their first character —
//   'o' ok (+ JSON), 'p' pending (the handler returned a promise; settle(epoch, result) follows),
//   't' the handler threw (+ message), 'b' bad return (+ message), 'r' rejected module (+ message),
//   'e' host error (+ wire error JSON).
// It is evaluated with evalClosure: $0…$12 are host callbacks. An isolate may be prepared before it is known
// which service it runs: `bind(tenant, service)` fixes `ctx.self` once, before the module is installed.

/** Source of the in-isolate runtime; evaluating it returns `{ bind, install, dispatch, deliver, getState, setState }`. */
export const RUNTIME_SOURCE = String.raw`
'use strict';
const [hostLog, hostCall, hostCast, hostSetTimer, hostCancelTimer, hostEmit, hostSettle] = [$0, $1, $2, $3, $4, $5, $6];
const [hostMonitor, hostDemonitor, hostLink, hostUnlink, hostExit] = [$7, $8, $9, $10, $11];
const hostSecret = $12;
// Intrinsics are captured now: the service may patch globals later, which must not break the runtime.
const parse = JSON.parse, stringify = JSON.stringify, apply = Reflect.apply, freeze = Object.freeze;
const getProto = Object.getPrototypeOf, isArray = Array.isArray, objectProto = Object.prototype;
const PromiseCtor = Promise, promiseThen = Promise.prototype.then, ErrorCtor = Error, TypeErrorCtor = TypeError;
const MapCtor = Map, mapGet = Map.prototype.get, mapSet = Map.prototype.set, mapDelete = Map.prototype.delete;
const StringCtor = String, slice = String.prototype.slice;
const HANDLERS = freeze(['init', 'handleCall', 'handleCast', 'handleInfo', 'codeChange', 'terminate']);

// Memory the isolate's heap limit does not count is not offered to services at all: WebAssembly memories and
// buffers that grow in place (resizable ArrayBuffer, growable SharedArrayBuffer) live outside the V8 heap, so
// one service could take the node's memory. A plain ArrayBuffer is counted and stays.
delete globalThis.WebAssembly;
delete ArrayBuffer.prototype.resize;
if (typeof SharedArrayBuffer === 'function') {
  delete SharedArrayBuffer.prototype.grow;
  delete globalThis.SharedArrayBuffer;
}

class NotJson extends ErrorCtor {}

function typeName(v) {
  if (v === null) return 'null';
  if (isArray(v)) return 'an array';
  const t = typeof v;
  if (t !== 'object') return t === 'undefined' ? 'undefined' : 'a ' + t;
  const p = getProto(v);
  const name = p && p.constructor && typeof p.constructor.name === 'string' ? p.constructor.name : 'Object';
  return 'a ' + name;
}

function describeError(e) {
  try {
    if (e !== null && typeof e === 'object' && typeof e.message === 'string') {
      const name = typeof e.name === 'string' ? e.name : 'Error';
      return apply(slice, name + ': ' + e.message, [0, 2000]);
    }
    return apply(slice, 'a non-Error value was thrown: ' + StringCtor(e), [0, 2000]);
  } catch (_) {
    return 'an unprintable value was thrown';
  }
}

// JSON.stringify silently drops functions and turns Maps into {}; this replacer refuses them instead.
function toJson(value, label) {
  let bad = null;
  let out;
  try {
    out = stringify(value, function (key, v) {
      if (bad !== null) return undefined;
      const t = typeof v;
      const at = key === '' ? label : label + ' (at key ' + stringify(key) + ')';
      if (t === 'function' || t === 'symbol' || t === 'bigint') bad = at + ' is ' + typeName(v);
      else if (t === 'object' && v !== null && !isArray(v)) {
        const p = getProto(v);
        if (p !== objectProto && p !== null) bad = at + ' is ' + typeName(v) + ', not a plain object';
      }
      return v;
    });
  } catch (e) {
    throw new NotJson(label + ' cannot be serialised to JSON (' + describeError(e) + ')');
  }
  if (bad !== null) throw new NotJson(bad);
  if (out === undefined) throw new NotJson(label + ' is undefined');
  return out;
}

function argJson(value, label) {
  try {
    return toJson(value, label);
  } catch (e) {
    throw new TypeErrorCtor(e.message + '; pass plain JSON');
  }
}

function hostError(wire) {
  const e = new ErrorCtor(wire.message);
  e.name = 'SoloError';
  e.code = wire.code;
  if (wire.details !== undefined) e.details = wire.details;
  return e;
}

function unwrap(tagged) {
  if (tagged[0] === 'e') throw hostError(parse(apply(slice, tagged, [1])));
  return tagged.length > 1 ? parse(apply(slice, tagged, [1])) : undefined;
}

let nextToken = 0;
const waiting = new MapCtor();

function viaHost(send) {
  return new PromiseCtor((resolve, reject) => {
    const token = ++nextToken;
    apply(mapSet, waiting, [token, { resolve, reject }]);
    send(token);
  });
}

function deliver(token, tagged) {
  const w = apply(mapGet, waiting, [token]);
  if (w === undefined) return;
  apply(mapDelete, waiting, [token]);
  let value;
  try {
    value = unwrap(tagged);
  } catch (e) {
    w.reject(e);
    return;
  }
  w.resolve(value);
}

function logAt(level) {
  return (message, data) => {
    hostLog(level, StringCtor(message), data === undefined ? undefined : argJson(data, 'ctx.log data'));
  };
}

// Filled and frozen by bind(), which the host calls once before any service code runs.
const self = {};

const ctx = freeze({
  self,
  log: freeze({ debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') }),
  call(target, message, opts) {
    const timeoutMs = opts !== undefined && opts !== null && opts.timeoutMs !== undefined ? opts.timeoutMs : 5000;
    if (typeof target !== 'string') return PromiseCtor.reject(new TypeErrorCtor('ctx.call: target must be a service id string'));
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) return PromiseCtor.reject(new TypeErrorCtor('ctx.call: timeoutMs must be a positive number'));
    let json;
    try { json = argJson(message, 'the ctx.call message'); } catch (e) { return PromiseCtor.reject(e); }
    return viaHost((token) => hostCall(token, target, json, timeoutMs));
  },
  cast(target, message) {
    if (typeof target !== 'string') return PromiseCtor.reject(new TypeErrorCtor('ctx.cast: target must be a service id string'));
    let json;
    try { json = argJson(message, 'the ctx.cast message'); } catch (e) { return PromiseCtor.reject(e); }
    return viaHost((token) => hostCast(token, target, json));
  },
  secret(name) {
    if (typeof name !== 'string') return PromiseCtor.reject(new TypeErrorCtor('ctx.secret: name must be a string'));
    return viaHost((token) => hostSecret(token, name));
  },
  setTimer(ms, message, opts) {
    if (typeof ms !== 'number' || !(ms >= 0)) throw new TypeErrorCtor('ctx.setTimer: ms must be a number >= 0');
    const durable = opts !== null && typeof opts === 'object' && opts.durable === true;
    return unwrap(hostSetTimer(ms, argJson(message, 'the timer message'), durable));
  },
  cancelTimer(timerId) {
    return typeof timerId === 'string' ? hostCancelTimer(timerId) : false;
  },
  emit(type, payload) {
    if (typeof type !== 'string') throw new TypeErrorCtor('ctx.emit: type must be a string');
    unwrap(hostEmit(type, payload === undefined ? undefined : argJson(payload, 'the ctx.emit payload')));
  },
  monitor(target) {
    if (typeof target !== 'string') throw new TypeErrorCtor('ctx.monitor: target must be a service id string');
    return unwrap(hostMonitor(target));
  },
  demonitor(ref) {
    return typeof ref === 'string' ? hostDemonitor(ref) : false;
  },
  link(target) {
    if (typeof target !== 'string') throw new TypeErrorCtor('ctx.link: target must be a service id string');
    unwrap(hostLink(target));
  },
  unlink(target) {
    if (typeof target !== 'string') throw new TypeErrorCtor('ctx.unlink: target must be a service id string');
    unwrap(hostUnlink(target));
  },
  exit(reason) {
    const r = reason === undefined ? 'normal' : reason;
    if (r !== 'normal' && r !== 'shutdown') throw new TypeErrorCtor("ctx.exit: reason must be 'normal' or 'shutdown'");
    unwrap(hostExit(r));
  },
});

let def = null;
const fns = {};
let state = null;
let stateJson = 'null';

function install(ns) {
  try {
    const d = ns === null || typeof ns !== 'object' ? undefined : ns.default;
    if (d === undefined) return 'rhas no default export';
    if (d === null || typeof d !== 'object') return 'rhas a default export that is ' + typeName(d) + ', not an object of handlers';
    for (let i = 0; i < HANDLERS.length; i++) {
      const name = HANDLERS[i];
      const f = d[name];
      if (f === undefined) continue;
      if (typeof f !== 'function') return 'rhas a handler ' + name + ' that is ' + typeName(f) + ', not a function';
      fns[name] = f;
    }
    if (!fns.handleCall && !fns.handleCast && !fns.handleInfo) return 'rhas a default export with no handlers (handleCall, handleCast or handleInfo)';
    def = d;
    const handlers = {};
    for (let i = 0; i < HANDLERS.length; i++) handlers[HANDLERS[i]] = typeof fns[HANDLERS[i]] === 'function';
    return 'o' + stringify({ handlers, codeVersion: typeof d.version === 'string' ? d.version : null, trapExits: d.trapExits === true });
  } catch (e) {
    return 'rcould not be loaded: ' + describeError(e);
  }
}

function commit(next, label) {
  stateJson = toJson(next, label);
  state = next;
}

function complete(kind, r) {
  try {
    if (kind === 'terminate') return 'o';
    if (kind !== 'handleCall') {
      commit(r, 'the state returned by ' + kind);
      return 'o';
    }
    if (r === null || typeof r !== 'object' || !('reply' in r) || !('state' in r)) {
      return 'bhandleCall must return { reply, state } but returned ' + typeName(r);
    }
    const reply = toJson(r.reply, 'the reply');
    commit(r.state, 'the state returned by handleCall');
    return 'o' + reply;
  } catch (e) {
    return e instanceof NotJson ? 'b' + e.message : 't' + describeError(e);
  }
}

function run(kind, a, b) {
  const f = fns[kind];
  const arg = parse(a);
  if (kind === 'init') return apply(f, def, [arg, ctx]);
  if (kind === 'codeChange') return apply(f, def, [arg, b, ctx]);
  return apply(f, def, [arg, state, ctx]);
}

function dispatch(kind, a, b, epoch) {
  let r, then;
  try {
    r = run(kind, a, b);
    then = r !== null && (typeof r === 'object' || typeof r === 'function') ? r.then : undefined;
  } catch (e) {
    return 't' + describeError(e);
  }
  if (typeof then !== 'function') return complete(kind, r);
  const p = new PromiseCtor((resolve, reject) => apply(then, r, [resolve, reject]));
  apply(promiseThen, p, [(v) => hostSettle(epoch, complete(kind, v)), (e) => hostSettle(epoch, 't' + describeError(e))]);
  return 'p';
}

function bind(tenant, service) {
  if (Object.isFrozen(self)) return;
  self.tenant = tenant;
  self.service = service;
  freeze(self);
}

return {
  bind,
  install,
  dispatch,
  deliver,
  getState: () => stateJson,
  setState: (json) => { state = parse(json); stateJson = json; },
};
`;
