"use strict";
/* The web hall board: the public view of the hall (watch), kept from welcome + events.

   Shows the latest calls of its zone (newest first and blinking; a recall marked 再次呼叫),
   the waiting counts of the services its windows serve, each window's state (paused with its
   reason) and the hall's time. Cut off from the server, it keeps the last state under a
   banner with the time of the last update, and reconnects by itself; a missed event (a gap in
   seq) reconnects at once for a fresh snapshot. Optional voice (?voice=1): the browser's
   zh-CN speech, once the screen has been tapped (browsers block sound until then). */
(function () {
  const config = JSON.parse(document.getElementById("board-config").textContent);
  const texts = config.texts;
  const T = window.hallText;
  const FRESH_MS = 10000; // the newest call blinks this long
  const zone = config.zone ? new Set(config.zone.windows) : null;

  const board = {
    seq: 0,
    day: null,
    synced: false,
    held: false, // events were missed: wait for the fresh welcome
    windows: new Map(), // number -> window dict of the snapshot, kept up to date
    services: new Map(), // code -> service dict (names), in the hall's order
    waiting: new Map(), // waiting ticket id -> service code
    calls: [], // newest first: {ticket, number, window, service, at, recall}
    notice: null, // the notice a manager posted: {text_zh, text_en}
    freshUntil: 0,
    lastUpdate: null, // ms, server clock
  };
  let voiceOn = false;
  let sideRows = ""; // the side's row counts when it was last fitted
  let sidePending = false;

  function covers(window) {
    return zone === null || zone.has(window);
  }

  /* -- the hall, from welcome + events ------------------------------------------------- */

  function load(welcome) {
    const snapshot = welcome.snapshot || {};
    if (board.day !== null && snapshot.day !== board.day) board.calls = []; // a new day
    board.day = snapshot.day || null;
    board.seq = welcome.seq;
    board.synced = true;
    board.held = false;
    board.windows = new Map((snapshot.windows || []).map((w) => [w.number, w]));
    board.services = new Map((snapshot.services || []).map((s) => [s.code, s]));
    board.waiting = new Map((snapshot.waiting || []).map((t) => [t.id, t.service]));
    board.notice = snapshot.notice || null;
    // Calls this board has not seen (it opened late, or was offline): the day's recent calls
    // and the tickets being called now; each ticket's latest call, newest first.
    const latest = new Map(board.calls.map((c) => [c.ticket, c]));
    const seen = (snapshot.recent_calls || []).filter((c) => covers(c.window)).map((c) => ({
      ticket: c.ticket, number: c.number, window: c.window, service: c.service,
      at: c.at, recall: !!c.recall,
    }));
    for (const w of board.windows.values()) {
      const t = w.current;
      if (t && covers(w.number)) {
        seen.push({
          ticket: t.id, number: t.number, window: w.number, service: t.service,
          at: t.called_at || 0, recall: (t.calls || 1) > 1,
        });
      }
    }
    for (const call of seen) {
      const known = latest.get(call.ticket);
      if (!known || call.at > known.at) latest.set(call.ticket, call);
    }
    board.calls = Array.from(latest.values()).sort((a, b) => b.at - a.at);
    board.calls.length = Math.min(board.calls.length, config.rows);
  }

  function setWindow(number, changes) {
    const w = board.windows.get(number);
    if (w) board.windows.set(number, Object.assign({}, w, changes));
  }

  function leaveWindow(e) {
    board.waiting.delete(e.ticket);
    for (const w of board.windows.values()) {
      if (w.current && w.current.id === e.ticket) setWindow(w.number, { current: null });
    }
  }

  /* Apply one event; returns what to redraw: {calls, side}. */
  function apply(e) {
    switch (e.kind) {
      case "day_started":
        board.calls = [];
        board.day = e.day;
        return { calls: true, side: true };
      case "ticket_issued":
        board.waiting.set(e.ticket, e.service);
        return { side: true };
      case "ticket_voided":
      case "ticket_expired":
      case "ticket_no_show":
      case "ticket_finished":
      case "ticket_parked":
        leaveWindow(e);
        return { side: true };
      case "ticket_transferred":
        leaveWindow(e);
        board.waiting.set(e.ticket, e.to_service);
        return { side: true };
      case "ticket_called": {
        leaveWindow(e);
        setWindow(e.window, {
          current: { id: e.ticket, number: e.number, service: e.service, called_at: e.at },
        });
        if (!covers(e.window)) return { side: true };
        const call = {
          ticket: e.ticket, number: e.number, window: e.window, service: e.service,
          at: e.at, recall: !!e.recall,
        };
        board.calls = [call].concat(board.calls.filter((c) => c.ticket !== call.ticket));
        board.calls.length = Math.min(board.calls.length, config.rows);
        board.freshUntil = Date.now() + FRESH_MS;
        speak(call);
        return { calls: true, side: true };
      }
      case "window_opened":
        setWindow(e.window, { state: "open", staff_name: e.staff_name || null });
        return { side: true };
      case "window_closed":
        setWindow(e.window, { state: "closed", staff_name: null, pause_reason: null });
        return { side: true };
      case "window_paused":
        setWindow(e.window, { state: "paused", pause_reason: e.reason || "other" });
        return { side: true };
      case "window_resumed":
        setWindow(e.window, { state: "open", pause_reason: null });
        return { side: true };
      case "notice_posted":
        board.notice = { text_zh: e.text_zh || null, text_en: e.text_en || null };
        return { notice: true };
      default:
        return {};
    }
  }

  /* -- drawing -------------------------------------------------------------------------- */

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function both(tag, className, pair) {
    const node = el(tag, className);
    node.append(el("span", "zh", pair[0]), el("span", "en", pair[1]));
    return node;
  }

  /* The children of `node`, replaced in one step (older TV browsers lack replaceChildren). */
  function fillWith(node, children) {
    const fragment = document.createDocumentFragment();
    for (const child of children) fragment.appendChild(child);
    node.textContent = "";
    node.appendChild(fragment);
  }

  function serviceNames(code) {
    const s = board.services.get(code);
    return s ? [s.name_zh || code, s.name_en || s.name_zh || code] : [code, code];
  }

  function drawCalls() {
    const list = document.getElementById("calls");
    const rows = [];
    const head = el("div", "call head");
    head.append(
      both("span", "number", T.pairOf(texts, "col_number")),
      both("span", "window", T.pairOf(texts, "col_window")),
      both("span", "service", T.pairOf(texts, "col_service"))
    );
    rows.push(head);
    board.calls.forEach((c, i) => {
      const row = el("div", "call");
      row.dataset.ticket = c.ticket;
      if (i === 0) {
        row.classList.add("newest");
        if (Date.now() < board.freshUntil) row.classList.add("fresh");
      }
      const number = el("span", "number", c.number);
      if (c.recall) number.append(both("span", "recall", T.pairOf(texts, "recall")));
      row.append(
        number,
        both("span", "window", T.pairOf(texts, "window_no", { n: c.window })),
        both("span", "service", serviceNames(c.service))
      );
      rows.push(row);
    });
    if (board.calls.length === 0) rows.push(both("div", "no-calls", T.pairOf(texts, "no_calls")));
    fillWith(list, rows);
  }

  /* The window's booked-only periods of today (the hall's weekday), not yet over. */
  function bookedOnlyToday(w) {
    const now = new Date(live.now());
    let parts;
    try {
      parts = new Intl.DateTimeFormat("en-GB", {
        timeZone: config.timezone, weekday: "short", hour: "2-digit", minute: "2-digit",
        hourCycle: "h23",
      }).formatToParts(now);
    } catch (err) {
      parts = new Intl.DateTimeFormat("en-GB", {
        weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
      }).formatToParts(now);
    }
    const get = (type) => (parts.find((p) => p.type === type) || {}).value || "";
    const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(get("weekday")) + 1;
    const clock = get("hour") + ":" + get("minute");
    return (w.booked_only || []).filter((p) => p.days.includes(weekday) && clock < p.end);
  }

  function zoneWindows() {
    return Array.from(board.windows.values())
      .filter((w) => covers(w.number))
      .sort((a, b) => a.number - b.number);
  }

  function drawSide() {
    const shown = zoneWindows();
    const codes = new Set();
    for (const w of shown) for (const code of w.services || []) codes.add(code);
    const counts = new Map();
    for (const code of board.waiting.values()) counts.set(code, (counts.get(code) || 0) + 1);
    const waiting = [];
    for (const s of board.services.values()) {
      if (zone !== null && !codes.has(s.code)) continue;
      const row = el("li", "service");
      row.dataset.service = s.code;
      row.append(
        both("span", "name", serviceNames(s.code)),
        el("span", "count", T.fill(texts.waiting_n[0], { n: counts.get(s.code) || 0 }))
      );
      waiting.push(row);
    }
    fillWith(document.getElementById("waiting"), waiting);

    const windows = shown.map((w) => {
      const row = el("li", "window state-" + w.state);
      row.dataset.window = String(w.number);
      let status;
      if (w.state === "paused") {
        const reason = config.pause_reasons[w.pause_reason || "other"] ||
          config.pause_reasons.other;
        status = [T.fill(texts.paused[0], { reason: reason[0] }),
          T.fill(texts.paused[1], { reason: reason[1] })];
      } else if (w.state === "closed") {
        status = T.pairOf(texts, "closed");
      } else if (w.current) {
        status = T.pairOf(texts, "serving", { number: w.current.number });
      } else {
        status = T.pairOf(texts, "idle");
      }
      row.append(
        el("span", "label", T.fill(texts.window_short[0], { n: w.number })),
        both("span", "status", status)
      );
      for (const p of bookedOnlyToday(w)) { // 预约延时服务: e.g. 12:00–13:30 仅办理预约业务
        row.classList.add("has-booked-only");
        row.append(both("span", "booked-only", T.pairOf(texts, "booked_only", p)));
      }
      return row;
    });
    fillWith(document.getElementById("windows"), windows);
    const rows = waiting.length + "/" + windows.length;
    if (rows !== sideRows) {
      sideRows = rows;
      fit(); // text lengths do not change the height: rows do
    }
  }

  /* Redraw the side once per frame however many events came in it. */
  function scheduleSide() {
    if (sidePending) return;
    sidePending = true;
    window.requestAnimationFrame(() => {
      sidePending = false;
      drawSide();
    });
  }

  /* The manager's notice along the foot, scrolling when it is longer than the screen. */
  function drawNotice() {
    const foot = document.getElementById("notice");
    const zh = board.notice && board.notice.text_zh;
    foot.hidden = !zh;
    const line = foot.querySelector("p");
    line.querySelector(".zh").textContent = zh || "";
    line.querySelector(".en").textContent = (zh && board.notice.text_en) || "";
    line.classList.toggle("scroll", !!zh && line.scrollWidth > foot.clientWidth);
  }

  /* Shrink the side column's text until its lists fit (a hall of many services). */
  function fit() {
    const side = document.querySelector(".side");
    side.style.setProperty("--fit", "1");
    if (side.scrollHeight <= side.clientHeight + 1) return;
    let scale = Math.max(0.5, Math.floor((100 * side.clientHeight) / side.scrollHeight) / 100);
    side.style.setProperty("--fit", String(scale));
    while (scale > 0.5 && side.scrollHeight > side.clientHeight + 1) {
      scale -= 0.03;
      side.style.setProperty("--fit", scale.toFixed(2));
    }
  }

  function drawBanner(live) {
    const banner = document.getElementById("banner");
    document.body.classList.remove("connecting");
    document.body.classList.toggle("stale", !live);
    if (live) return;
    const time = board.lastUpdate === null ? "--:--:--" :
      T.clockText(board.lastUpdate, config.timezone);
    T.setPair(banner, board.synced ? T.pairOf(texts, "offline", { time: time }) :
      T.pairOf(texts, "connecting"));
    if (!board.synced) document.body.classList.add("connecting");
  }

  let dates = null;

  function dateFormat() {
    if (dates === null) {
      const options = { year: "numeric", month: "long", day: "numeric", weekday: "long" };
      try {
        dates = new Intl.DateTimeFormat("zh-CN", Object.assign({ timeZone: config.timezone }, options));
      } catch (err) {
        dates = new Intl.DateTimeFormat("zh-CN", options); // an unknown zone: this device's
      }
    }
    return dates;
  }

  function tick() {
    const now = live.now();
    document.getElementById("clock-time").textContent = T.clockText(now, config.timezone);
    const date = dateFormat().format(new Date(now));
    const dateLine = document.getElementById("clock-date");
    if (dateLine.textContent !== date) dateLine.textContent = date;
    const fresh = document.querySelector(".call.fresh");
    if (fresh && Date.now() >= board.freshUntil) fresh.classList.remove("fresh");
  }

  /* -- voice ----------------------------------------------------------------------------- */

  function speak(call) {
    if (!voiceOn || !("speechSynthesis" in window)) return;
    const text = T.fill(texts[call.recall ? "voice_recall" : "voice_call"][0], {
      number: call.number.split("").join(" "), window: call.window,
    });
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  function unlockVoice() {
    if (voiceOn) return;
    voiceOn = true;
    const hint = document.getElementById("voice-hint");
    if (hint) hint.hidden = true;
    if ("speechSynthesis" in window) window.speechSynthesis.speak(new SpeechSynthesisUtterance(""));
  }

  /* -- the connection -------------------------------------------------------------------- */

  const live = new window.HallLive({
    onOpen: (link) => {
      const fields = config.zone ? { zone: config.zone.name } : {};
      link.request("watch", fields).catch(() => {});
    },
    onMessage: (message) => {
      board.lastUpdate = live.now();
      if (message.type === "welcome") {
        load(message);
        drawNotice();
        drawCalls();
        drawSide();
        return;
      }
      if (message.type !== "event" || !board.synced || board.held) return;
      if (message.seq <= board.seq) return; // already in the snapshot
      if (message.seq !== board.seq + 1) {
        board.held = true;
        live.restart(); // events were missed: a fresh welcome says where the hall is
        return;
      }
      board.seq = message.seq;
      const redraw = apply(message);
      if (redraw.calls) drawCalls();
      if (redraw.side) scheduleSide();
      if (redraw.notice) drawNotice();
    },
    onState: (isLive) => drawBanner(isLive),
  });

  if (config.voice) document.addEventListener("click", unlockVoice);
  drawCalls();
  window.addEventListener("resize", () => {
    sideRows = ""; // fit again
    drawSide();
  });
  tick();
  window.setInterval(tick, 1000);
  live.start();
})();
