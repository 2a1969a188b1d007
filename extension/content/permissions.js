// Permission prompts in the page: which capability a frame asked for, whether the person had just
// clicked or typed (transient user activation), and what came of it. A MAIN-world content script
// declared in the manifest, at document start in every frame, so it is in place before any of
// the page's scripts run.
//
// The page's own code must behave exactly as before: each wrapped function keeps its name,
// length and `toString()`, is no constructor when the original is none, returns what the
// original returns and throws what it throws. Everything this script uses is captured now,
// before the page can replace it.
//
// Reports go to the isolated-world relay (content/relay.js) over a MessagePort it hands over at
// document start; the page can neither see that port nor post on it. The relay adds nothing: the
// service worker files each report under the sender the browser names (tab, frame, document,
// URL), never under anything the page says. For the capabilities the browser's content settings
// do not cover (MIDI, idle detection, storage access, window management), the relay also asks
// the service worker whether the person's terms deny the capability on this site; a denial is
// answered as the browser's own, without a prompt.

(() => {
  'use strict';

  const { apply, construct } = Reflect;
  const { defineProperty, getOwnPropertyDescriptor } = Object;
  const ObjectCtor = Object;
  const StringCtor = String;
  const PromiseCtor = Promise;
  const then = Promise.prototype.then;
  const reject = Promise.reject;
  const resolved = Promise.resolve;
  const setTimer = setTimeout;
  const clearTimer = clearTimeout;
  const WeakMapCtor = WeakMap;
  const BooleanCtor = Boolean;
  const weakGet = WeakMap.prototype.get;
  const weakSet = WeakMap.prototype.set;
  const postMessage = MessagePort.prototype.postMessage;
  const addEventListener = EventTarget.prototype.addEventListener;
  const removeEventListener = EventTarget.prototype.removeEventListener;
  const stopImmediatePropagation = Event.prototype.stopImmediatePropagation;
  const fnToString = Function.prototype.toString;
  const DOMExceptionCtor = DOMException;
  const getter = (proto, name) => (proto && getOwnPropertyDescriptor(proto, name)?.get) || null;
  const userActivation = getter(globalThis.Navigator?.prototype, 'userActivation');
  const isActive = getter(globalThis.UserActivation?.prototype, 'isActive');
  const statusName = getter(globalThis.PermissionStatus?.prototype, 'name');
  const statusState = getter(globalThis.PermissionStatus?.prototype, 'state');
  const errorName = getter(DOMException.prototype, 'name');
  const errorMessage = getter(DOMException.prototype, 'message');
  const positionErrorCode = getter(globalThis.GeolocationPositionError?.prototype, 'code');
  const videoTracks = globalThis.MediaStream?.prototype.getVideoTracks;
  const audioTracks = globalThis.MediaStream?.prototype.getAudioTracks;
  const eventData = getter(MessageEvent.prototype, 'data');
  const eventPorts = getter(MessageEvent.prototype, 'ports');
  const eventSource = getter(MessageEvent.prototype, 'source');
  const portOnMessage = getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage').set;

  const activeNow = () => {
    try {
      return apply(isActive, apply(userActivation, navigator, []), []) === true;
    } catch {
      return false;
    }
  };

  // -- The channel to the relay ---------------------------------------------------------------------

  let port = null;
  const pending = [];
  let nextId = 0;
  const waiting = ObjectCtor.create(null); // id → resolve

  function send(message) {
    if (port) apply(postMessage, port, [message]);
    else pending[pending.length] = message;
  }

  function onPort(event) {
    const ports = apply(eventPorts, event, []);
    if (apply(eventData, event, []) !== 'trustledger:port' || apply(eventSource, event, []) !== window || ports.length !== 1) return;
    apply(stopImmediatePropagation, event, []);
    apply(removeEventListener, window, ['message', onPort, true]);
    port = ports[0];
    apply(portOnMessage, port, [(e) => {
      const { id, decision } = apply(eventData, e, []) ?? {};
      const resolve = waiting[id];
      if (resolve) {
        delete waiting[id];
        resolve(decision);
      }
    }]);
    for (let i = 0; i < pending.length; i++) apply(postMessage, port, [pending[i]]);
    pending.length = 0;
  }
  apply(addEventListener, window, ['message', onPort, true]);

  // How long a call waits for the terms' decision before it goes ahead as if they said "ask" (the
  // extension being reloaded, say): a page's call never hangs on the extension.
  const DECISION_WAIT_MS = 2000;

  /** What the person's terms say of `capability` here: 'deny', 'allow' or 'ask'. */
  function decide(capability) {
    return new PromiseCtor((resolve) => {
      const id = ++nextId;
      const timer = setTimer(() => {
        delete waiting[id];
        resolve('ask');
      }, DECISION_WAIT_MS);
      waiting[id] = (decision) => {
        clearTimer(timer);
        resolve(decision);
      };
      send({ kind: 'decide', id, capability });
    });
  }

  /**
   * Reports one call: `outcome` one of granted, denied, dismissed, error, prompt, unsupported.
   * Never throws: nothing here may change what the page's call does.
   */
  function report(capability, call, activation, outcome, { probe = false, byTerms = false } = {}) {
    try {
      send({ kind: 'permission', capability: StringCtor(capability), call, probe, activation, outcome: StringCtor(outcome), byTerms });
    } catch { /* a report lost, never the page's call */ }
  }

  // The promise a wrapped call returns: the original's outcome, reported, then passed on as it is
  // (a rejection the page does not handle is still reported to it as unhandled).
  function observed(result, onValue, onError) {
    return apply(then, result, [
      (value) => {
        try { onValue(value); } catch { /* see report */ }
        return value;
      },
      (error) => {
        try { onError(error); } catch { /* see report */ }
        return apply(reject, PromiseCtor, [error]);
      },
    ]);
  }

  // -- Wrapping without a trace ----------------------------------------------------------------------

  const originals = new WeakMapCtor(); // wrapper → original, for toString
  const FunctionPrototype = Function.prototype;
  const { getPrototypeOf } = Object;
  let ownToString = null;

  // A wrapper's source is its original's. A function of another realm of this page (a frame's,
  // which has its own copy of this script and its own wrappers) is shown by that realm's
  // toString, which knows them: the page cannot read a frame's wrapper through this one.
  function nativeString(f) {
    const original = apply(weakGet, originals, [f]);
    if (original) return apply(fnToString, original, []);
    const proto = typeof f === 'function' ? getPrototypeOf(f) : null;
    if (proto && proto !== FunctionPrototype) {
      const other = getOwnPropertyDescriptor(proto, 'toString')?.value;
      if (typeof other === 'function' && other !== ownToString) return apply(other, f, []);
    }
    return apply(fnToString, f, []);
  }

  /** Replaces `owner[name]` (a method) with `make(original)`, shaped as the original. */
  function wrap(owner, name, make) {
    const d = owner && getOwnPropertyDescriptor(owner, name);
    if (!d || typeof d.value !== 'function') return;
    const original = d.value;
    const wrapper = make(original);
    defineProperty(wrapper, 'name', { value: original.name });
    defineProperty(wrapper, 'length', { value: original.length });
    apply(weakSet, originals, [wrapper, original]);
    defineProperty(owner, name, { ...d, value: wrapper });
  }

  wrap(Function.prototype, 'toString', () => {
    ownToString = ({ toString() { return nativeString(this); } }).toString;
    return ownToString;
  });

  const read = (get, error) => {
    try {
      return apply(get, error, []);
    } catch {
      return '';
    }
  };
  // What a rejection says: the person (or the terms) refused, closed the prompt or the chooser
  // without choosing, or the call failed. Chromium rejects a dismissed camera or microphone
  // prompt with "Permission dismissed"; a device chooser closed empty with NotFoundError, which
  // from a prompt means there was no such device (an error).
  const outcomeOf = (error, chooser = false) => {
    const name = read(errorName, error);
    if (name === 'NotAllowedError' && read(errorMessage, error) === 'Permission dismissed') return 'dismissed';
    if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
    if (chooser && name === 'NotFoundError') return 'dismissed';
    return 'error';
  };

  /** A promise-returning method: reports its outcome; `granted(result)` reads a resolved value. */
  function promising(owner, name, capability, call, { granted = () => 'granted', chooser = false } = {}) {
    wrap(owner, name, (original) => ({
      [name](...args) {
        const activation = activeNow();
        return observed(apply(original, this, args),
          (value) => report(capability, call, activation, granted(value)),
          (error) => report(capability, call, activation, outcomeOf(error, chooser)));
      },
    })[name]);
  }

  /** As `promising`, but the terms may deny first, exactly as the browser denies. */
  function governed(owner, name, capability, call, denial) {
    wrap(owner, name, (original) => ({
      [name](...args) {
        const activation = activeNow();
        const self = this;
        return apply(then, decide(capability), [(decision) => {
          if (decision === 'deny') {
            report(capability, call, activation, 'denied', { byTerms: true });
            return denial();
          }
          return observed(apply(original, self, args),
            (value) => report(capability, call, activation, value === 'denied' ? 'denied' : 'granted'),
            (error) => report(capability, call, activation, outcomeOf(error)));
        }]);
      },
    })[name]);
  }

  const notAllowed = (message) => () => apply(reject, PromiseCtor, [construct(DOMExceptionCtor, [message, 'NotAllowedError'])]);

  // -- What is observed ------------------------------------------------------------------------------

  // Notifications: 'default' after the prompt means it was dismissed.
  if (globalThis.Notification) {
    promising(Notification, 'requestPermission', 'notifications', 'Notification.requestPermission',
      { granted: (result) => (result === 'granted' ? 'granted' : result === 'denied' ? 'denied' : 'dismissed') });
  }

  // Location: the outcome comes through the page's own callbacks, which are called as before.
  for (const method of ['getCurrentPosition', 'watchPosition']) {
    wrap(globalThis.Geolocation?.prototype, method, (original) => ({
      [method](...args) {
        const success = args[0];
        const failure = args[1];
        const activation = activeNow();
        let told = false;
        const tell = (outcome) => {
          if (!told) report('geolocation', `navigator.geolocation.${method}`, activation, outcome);
          told = true;
        };
        // Invalid callbacks are passed as they are, for the browser to refuse as before.
        if (typeof success === 'function') {
          args[0] = function (position) {
            tell('granted');
            return apply(success, this, [position]);
          };
        }
        if (failure === undefined || typeof failure === 'function') {
          args[1] = function (error) {
            let code = 0;
            try { code = apply(positionErrorCode, error, []); } catch { /* not a position error */ }
            tell(code === 1 ? 'denied' : 'error');
            return typeof failure === 'function' ? apply(failure, this, [error]) : undefined;
          };
        }
        return apply(original, this, args);
      },
    })[method]);
  }

  // Probing: reading a permission's state shows no prompt, but probing many is fingerprinting.
  wrap(globalThis.Permissions?.prototype, 'query', (original) => ({
    query(...args) {
      const activation = activeNow();
      const unsupported = () => report(safeName(args[0]), 'navigator.permissions.query', activation, 'unsupported', { probe: true });
      let result;
      try {
        result = apply(original, this, args);
      } catch (error) {
        unsupported();
        throw error;
      }
      return observed(result,
        (status) => report(permissionName(apply(statusName, status, [])), 'navigator.permissions.query', activation,
          apply(statusState, status, []), { probe: true }),
        unsupported);
    },
  }).query);

  // A PermissionStatus's name as the Permissions API spells it: Chromium answers `video_capture`
  // for "camera" and `audio_capture` for "microphone", and uses `_` where the API has `-`.
  const INTERNAL_NAMES = { __proto__: null, video_capture: 'camera', audio_capture: 'microphone' };
  const replaceAll = String.prototype.replaceAll;
  const permissionName = (name) => INTERNAL_NAMES[name] ?? apply(replaceAll, StringCtor(name), ['_', '-']);

  // The name a probe asked for, read only once the browser has refused it: as a permission name
  // (lower case, letters, digits and '-'), or 'unknown'.
  const PERMISSION_NAME = /^[a-z0-9-]{1,40}$/;
  const test = RegExp.prototype.test;
  const toLowerCase = String.prototype.toLowerCase;
  function safeName(descriptor) {
    try {
      const name = descriptor?.name;
      if (typeof name !== 'string') return 'unknown';
      const lower = apply(toLowerCase, name, []);
      return apply(test, PERMISSION_NAME, [lower]) ? lower : 'unknown';
    } catch {
      return 'unknown';
    }
  }

  // Camera and microphone: which ones is read from what was granted, or, on a refusal, from the
  // constraints the page passed.
  wrap(globalThis.MediaDevices?.prototype, 'getUserMedia', (original) => ({
    getUserMedia(...args) {
      const activation = activeNow();
      const call = 'navigator.mediaDevices.getUserMedia';
      return observed(apply(original, this, args),
        (stream) => {
          if (apply(videoTracks, stream, []).length) report('camera', call, activation, 'granted');
          if (apply(audioTracks, stream, []).length) report('microphone', call, activation, 'granted');
        },
        (error) => {
          let video = true;
          let audio = false;
          try {
            video = BooleanCtor(args[0]?.video);
            audio = BooleanCtor(args[0]?.audio);
          } catch { /* a hostile getter */ }
          if (video || !audio) report('camera', call, activation, outcomeOf(error));
          if (audio) report('microphone', call, activation, outcomeOf(error));
        });
    },
  }).getUserMedia);
  promising(globalThis.MediaDevices?.prototype, 'getDisplayMedia', 'display-capture', 'navigator.mediaDevices.getDisplayMedia');

  promising(globalThis.Clipboard?.prototype, 'read', 'clipboard-read', 'navigator.clipboard.read');
  promising(globalThis.Clipboard?.prototype, 'readText', 'clipboard-read', 'navigator.clipboard.readText');
  promising(globalThis.PushManager?.prototype, 'subscribe', 'push', 'PushManager.subscribe');
  promising(globalThis.USB?.prototype, 'requestDevice', 'usb', 'navigator.usb.requestDevice', { chooser: true });
  promising(globalThis.HID?.prototype, 'requestDevice', 'hid', 'navigator.hid.requestDevice', { chooser: true });
  promising(globalThis.Serial?.prototype, 'requestPort', 'serial', 'navigator.serial.requestPort', { chooser: true });
  promising(globalThis.Bluetooth?.prototype, 'requestDevice', 'bluetooth', 'navigator.bluetooth.requestDevice', { chooser: true });

  // What the browser's content settings cannot deny: the terms are asked first, and a denial is
  // the one Chromium gives (its messages, as Chromium 156 words them).
  governed(globalThis.Navigator?.prototype, 'requestMIDIAccess', 'midi', 'navigator.requestMIDIAccess',
    notAllowed('Permission to use Web MIDI API was not granted.'));
  governed(globalThis.Document?.prototype, 'requestStorageAccess', 'storage-access', 'document.requestStorageAccess',
    notAllowed('requestStorageAccess not allowed'));
  governed(globalThis, 'getScreenDetails', 'window-management', 'window.getScreenDetails',
    notAllowed('Permission denied.'));
  governed(globalThis.IdleDetector, 'requestPermission', 'idle-detection', 'IdleDetector.requestPermission',
    () => apply(resolved, PromiseCtor, ['denied']));
})();
