"use strict";
/* The ticket's phone page, live: asks ticket_status (by the token in the page's address)
   after each event that could change the ticket, instead of reloading the page.

   Events come from watch (the public view, as a board gets it); the page shows nothing of
   them but this ticket's answer. Events of other services, and ratings and devices, are
   skipped. When the ticket is called the phone vibrates where the browser allows it. Once
   the ticket is over (done, missed, voided, expired) the page stops following. Settings
   (中文/English, large text) are remembered on the phone. */
(function () {
  const texts = JSON.parse(document.getElementById("page-texts").textContent);
  const T = window.hallText;
  const token = decodeURIComponent(window.location.pathname.replace(/^.*\/t\//, ""));
  const ENDED = new Set(["done", "no_show", "voided", "expired"]);
  const SKIPPED = new Set([
    "device_status", "device_presence", "device_parts", "rating_invited", "rating_recorded",
    "rating_rejected", "hall_rated", "followup_opened", "followup_assigned",
    "followup_contacted", "followup_resolved", "followup_rerated", "staff_locked",
  ]);

  let ticket = null; // the last ticket_status reply's ticket
  let windowServices = new Map(); // window number -> service codes, from watch's snapshot
  let asking = false;
  let askAgain = false;
  let ended = false;
  let updatedMs = null;
  let calledAgain = false; // a ticket_called of this ticket came in: buzz at the answer

  window.hallPhone.setup(() => drawStatus());

  /* -- the ticket ------------------------------------------------------------------------ */

  function show(reply) {
    const before = ticket;
    ticket = reply.ticket;
    updatedMs = Date.now();
    const main = document.getElementById("ticket");
    main.className = "ticket state-" + ticket.state;
    document.getElementById("number").textContent = ticket.number;
    T.setPair(document.getElementById("service"), ticket.bundle_name_zh
      ? [ticket.bundle_name_zh, ticket.bundle_name_en || ticket.bundle_name_zh]
      : [ticket.service_name_zh || ticket.service, ticket.service_name_en || ticket.service]);
    drawSteps(ticket.steps || []);
    T.setPair(document.getElementById("headline"), reply.headline);
    const detail = document.getElementById("detail");
    T.setPair(detail, reply.detail);
    detail.hidden = !reply.detail[0];
    drawCheckin(reply.checkin);
    const where = document.getElementById("where");
    const place = ticket.state === "waiting" || ticket.state === "parked";
    where.hidden = !place || !ticket.location_zh;
    if (place) {
      T.setPair(where, [
        T.fill(texts.where[0], { where: ticket.location_zh || "" }),
        T.fill(texts.where[1], { where: ticket.location_en || ticket.location_zh || "" }),
      ]);
    }
    document.title = (ticket.state === "called" ? reply.detail[0] + " · " : "") + ticket.number;
    if (ticket.state === "called" && before !== null &&
        (calledAgain || before.state !== "called")) {
      vibrate();
    }
    calledAgain = false;
    if (ENDED.has(ticket.state)) {
      ended = true;
      live.stop();
    }
    drawStatus();
  }

  /* 远程取号: the rule and how to check in, while the ticket waits unchecked. The phone
     remembers the ticket, so the door QR's page (/door/<code>) can check it in. */
  function drawCheckin(checkin) {
    const box = document.getElementById("checkin");
    box.hidden = !checkin || !checkin.how[0];
    if (!checkin) return;
    const rule = document.getElementById("checkin-rule");
    T.setPair(rule, checkin.text);
    rule.hidden = !checkin.text[0];
    T.setPair(document.getElementById("checkin-how"), checkin.how);
    if (ENDED.has(ticket.state)) window.hallPhone.forgetRemote(token);
    else window.hallPhone.keepRemote(token, ticket.number);
  }

  /* 一件事: each step of the bundle, done, being served now or to come. */
  function drawSteps(steps) {
    const list = document.getElementById("steps");
    list.hidden = steps.length === 0;
    list.replaceChildren(...steps.map((step) => {
      const item = document.createElement("li");
      item.className = "step-" + step.state;
      const mark = texts["step_" + step.state] || ["", ""];
      const zh = document.createElement("span");
      zh.className = "zh";
      zh.textContent = step.name_zh + "（" + mark[0] + "）";
      const en = document.createElement("span");
      en.className = "en";
      en.textContent = step.name_en + " (" + mark[1] + ")";
      item.append(zh, en);
      return item;
    }));
  }

  function notFound() {
    ended = true;
    live.stop();
    const main = document.getElementById("ticket");
    main.className = "ticket state-unknown";
    document.getElementById("number").textContent = "";
    for (const id of ["service", "where", "checkin"]) document.getElementById(id).hidden = true;
    T.setPair(document.getElementById("headline"), texts.not_found);
    T.setPair(document.getElementById("detail"), texts.not_found_hint);
    document.getElementById("status").hidden = true;
  }

  /* Buzz where the phone allows it: browsers refuse until the page has been touched. */
  function vibrate() {
    const activation = navigator.userActivation;
    if (activation && !activation.hasBeenActive) return;
    if (typeof navigator.vibrate === "function") {
      try {
        navigator.vibrate([400, 200, 400, 200, 400]);
      } catch (err) {
        /* not allowed here */
      }
    }
  }

  /* Ask for the ticket now; while an answer is on its way, once more after it. */
  function ask() {
    if (ended) return;
    if (asking) {
      askAgain = true;
      return;
    }
    asking = true;
    live.request("ticket_status", { token: token }).then((reply) => {
      asking = false;
      if (reply.type === "ticket_status") show(reply);
      else if (reply.code === "unknown_ticket") notFound();
      if (askAgain) {
        askAgain = false;
        ask();
      }
    }, () => {
      asking = false; // the connection dropped: the next welcome asks again
      askAgain = false;
    });
  }

  /* Could this event change this ticket's place, wait or state? */
  function concerns(e) {
    if (SKIPPED.has(e.kind)) return false;
    if (ticket === null || e.ticket === ticket.id) return true;
    const mine = ticket.service;
    if (e.kind === "ticket_transferred") return e.from_service === mine || e.to_service === mine;
    if (typeof e.service === "string") return e.service === mine;
    if (e.kind.startsWith("window_")) {
      const services = windowServices.get(e.window);
      return services === undefined || services.indexOf(mine) >= 0;
    }
    return true; // day_started, ticket_expired, kinds this page does not know
  }

  function drawStatus() {
    const status = document.getElementById("status");
    if (ended) {
      status.hidden = !ticket;
      T.setPair(status, texts.ended);
      status.className = "status";
      return;
    }
    status.hidden = false;
    if (live.live) {
      const time = updatedMs === null ? "" : T.clockText(updatedMs, null);
      const updated = T.pairOf(texts, "updated", { time: time });
      T.setPair(status, [texts.live[0] + " · " + updated[0], texts.live[1] + " · " + updated[1]]);
      status.className = "status live";
    } else {
      T.setPair(status, texts.reconnecting);
      status.className = "status offline";
    }
  }

  const live = new window.HallLive({
    onOpen: (link) => {
      // Watch first: the server answers in order, so the ticket's answer already counts
      // every event before the ones this page will now receive.
      link.request("watch", {}).catch(() => {});
      asking = false;
      ask();
    },
    onMessage: (message) => {
      if (message.type === "welcome") {
        const windows = (message.snapshot && message.snapshot.windows) || [];
        windowServices = new Map(windows.map((w) => [w.number, w.services || []]));
      } else if (message.type === "event" && concerns(message)) {
        if (message.kind === "ticket_called" && ticket !== null && message.ticket === ticket.id) {
          calledAgain = true;
        }
        ask();
      }
    },
    onState: () => drawStatus(),
  });

  if (!token) {
    notFound();
    return;
  }
  live.start();
  window.setInterval(() => {
    if (live.live) ask(); // estimates move with time too (the longest-wait rule)
  }, 120000);
})();
