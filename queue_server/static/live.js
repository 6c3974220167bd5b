"use strict";
/* The pages' one WebSocket to the hall server (ws[s]://<this host>/ws), kept open.

   Reconnects by itself with exponential backoff and jitter (0.5 s doubling to 10 s), pings
   every 15 s and drops a link that stays silent 10 s after a ping (a cable pulled never
   closes by itself), and tells the page when it is live or cut off. Only requests that need
   no device are ever sent (watch, ticket_status, ping; rate_hall from the hall's rating page,
   a few per address; and 远程取号's take_remote and door_checkin, each limited per address by
   the server): a page cannot change the queue. */
(function () {
  const FIRST_BACKOFF_MS = 500;
  const MAX_BACKOFF_MS = 10000;
  const PING_EVERY_MS = 15000;
  const PING_TIMEOUT_MS = 10000;

  function HallLive(handlers) {
    this.handlers = handlers; // onOpen(live), onMessage(message), onState(live: boolean)
    this.ws = null;
    this.ids = 0;
    this.waiting = new Map(); // request id -> {resolve, reject}
    this.delay = FIRST_BACKOFF_MS;
    this.stopped = false;
    this.live = false;
    this.offsetMs = 0; // server clock - this clock, from pongs
    this.lastMessageMs = null; // this clock, when the server last said anything
    this.pingTimer = null;
    this.silenceTimer = null;
    this.retryTimer = null;
  }

  HallLive.prototype.url = function () {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + window.location.host + "/ws";
  };

  HallLive.prototype.start = function () {
    this.stopped = false;
    this.open();
  };

  /* Close for good: the page has nothing more to follow. */
  HallLive.prototype.stop = function () {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    this.drop();
  };

  /* Close this connection and open a fresh one at once (e.g. events were missed). */
  HallLive.prototype.restart = function () {
    this.drop();
    this.delay = FIRST_BACKOFF_MS;
    this.schedule(0);
  };

  HallLive.prototype.now = function () {
    return Date.now() + this.offsetMs;
  };

  HallLive.prototype.open = function () {
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (err) {
      this.lost();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (ws !== this.ws) return;
      this.heard();
      this.pingTimer = window.setInterval(() => this.ping(), PING_EVERY_MS);
      this.ping();
      this.handlers.onOpen(this);
    };
    ws.onmessage = (frame) => {
      if (ws !== this.ws) return;
      let message;
      try {
        message = JSON.parse(frame.data);
      } catch (err) {
        return;
      }
      this.heard();
      if (message.type === "welcome") {
        this.delay = FIRST_BACKOFF_MS; // followed again: the next loss starts short
        this.setLive(true);
      }
      if (message.re !== undefined && message.re !== null && this.waiting.has(message.re)) {
        const pending = this.waiting.get(message.re);
        this.waiting.delete(message.re);
        pending.resolve(message);
      }
      this.handlers.onMessage(message);
    };
    ws.onclose = () => {
      if (ws !== this.ws) return;
      this.lost();
    };
    ws.onerror = () => {}; // a close follows
  };

  HallLive.prototype.heard = function () {
    this.lastMessageMs = Date.now();
    window.clearTimeout(this.silenceTimer);
    this.silenceTimer = null;
  };

  HallLive.prototype.ping = function () {
    const sent = Date.now();
    this.request("ping", {}).then((pong) => {
      const received = Date.now();
      if (typeof pong.time === "number") {
        this.offsetMs = pong.time * 1000 - (sent + received) / 2;
      }
    }, () => {});
    if (this.silenceTimer === null) {
      this.silenceTimer = window.setTimeout(() => {
        this.drop();
        this.lost();
      }, PING_TIMEOUT_MS);
    }
  };

  /* Send a request; its reply (or error reply) resolves the promise. */
  HallLive.prototype.request = function (type, fields) {
    const ws = this.ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error("not connected"));
    }
    this.ids += 1;
    const id = this.ids;
    const message = Object.assign({ type: type, id: id }, fields);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve, reject: reject });
      ws.send(JSON.stringify(message));
    });
  };

  HallLive.prototype.drop = function () {
    const ws = this.ws;
    this.ws = null;
    window.clearInterval(this.pingTimer);
    window.clearTimeout(this.silenceTimer);
    this.pingTimer = null;
    this.silenceTimer = null;
    for (const pending of this.waiting.values()) pending.reject(new Error("connection lost"));
    this.waiting.clear();
    if (ws !== null) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close();
      } catch (err) {
        /* already closed */
      }
    }
  };

  HallLive.prototype.lost = function () {
    this.drop();
    this.setLive(false);
    if (this.stopped) return;
    const delay = this.delay * (0.8 + 0.4 * Math.random());
    this.delay = Math.min(MAX_BACKOFF_MS, this.delay * 2);
    this.schedule(delay);
  };

  HallLive.prototype.schedule = function (delay) {
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => {
      if (!this.stopped && this.ws === null) this.open();
    }, delay);
  };

  HallLive.prototype.setLive = function (live) {
    if (this.live === live) return;
    this.live = live;
    this.handlers.onState(live);
  };

  /* "{n}号窗口" with its fields filled. */
  function fill(template, fields) {
    return template.replace(/\{(\w+)\}/g, (whole, key) =>
      Object.prototype.hasOwnProperty.call(fields, key) ? String(fields[key]) : whole
    );
  }

  /* Put a (zh, en) pair into an element's .zh and .en children. */
  function setPair(element, pair) {
    element.querySelector(".zh").textContent = pair[0];
    element.querySelector(".en").textContent = pair[1];
  }

  /* A text of the page in both languages, fields filled. */
  function pairOf(texts, key, fields) {
    const both = texts[key];
    return [fill(both[0], fields || {}), fill(both[1], fields || {})];
  }

  const clocks = new Map(); // time zone -> formatter (making one costs more than using it)

  /* HH:MM:SS of a time (ms since the epoch) in a time zone (the hall's), or this device's. */
  function clockText(ms, timeZone) {
    const key = timeZone || "";
    let format = clocks.get(key);
    if (format === undefined) {
      const options = { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false };
      try {
        format = new Intl.DateTimeFormat("zh-CN", Object.assign({ timeZone: timeZone || undefined }, options));
      } catch (err) {
        format = new Intl.DateTimeFormat("zh-CN", options); // an unknown zone: this device's
      }
      clocks.set(key, format);
    }
    return format.format(new Date(ms));
  }

  window.HallLive = HallLive;
  window.hallText = { fill: fill, setPair: setPair, pairOf: pairOf, clockText: clockText };
})();
