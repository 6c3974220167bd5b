"use strict";
/* 到厅签到: the hall door's QR opens /door/<code>; this checks in the remote tickets this
   phone holds (door_checkin with each one's page token and the code) and says how each went. */
(function () {
  const config = JSON.parse(document.getElementById("take-config").textContent);
  const texts = config.texts;
  const T = window.hallText;
  const phone = window.hallPhone;
  phone.setup();
  const door = decodeURIComponent(window.location.pathname.replace(/^.*\/door\//, ""));
  const results = document.getElementById("results");
  const working = document.getElementById("working");
  let started = false;

  function pairElement(tag, pair) {
    const element = document.createElement(tag);
    const zh = document.createElement("span");
    const en = document.createElement("span");
    zh.className = "zh";
    en.className = "en";
    element.append(zh, en);
    T.setPair(element, pair);
    return element;
  }

  function result(kind, pair, token) {
    const item = document.createElement("li");
    item.className = kind; // ok, refused or info
    item.appendChild(pairElement("p", pair));
    if (token) {
      const link = pairElement("a", texts.open_ticket);
      link.className = "primary";
      link.href = "/t/" + encodeURIComponent(token);
      item.appendChild(link);
    }
    results.appendChild(item);
  }

  function checkIn(link) {
    if (started) return;
    started = true;
    const mine = phone.remoteTickets();
    if (mine.length === 0) {
      working.hidden = true;
      result("info", texts.door_none, null);
      return;
    }
    Promise.all(mine.map((k) => link.request("door_checkin", { token: k.token, door: door })
      .then((reply) => ({ k: k, reply: reply }), () => null)))
      .then((answers) => {
        working.hidden = true;
        let shown = 0;
        const said = new Set();
        for (const answer of answers) {
          if (answer === null) continue;
          const reply = answer.reply;
          if (reply.type === "checked_in") {
            const number = reply.ticket.number;
            result("ok", T.pairOf(texts, "door_done", { number: number }), answer.k.token);
            shown += 1;
          } else if (reply.code !== "checkin_refused" && reply.code !== "ticket_not_waiting" &&
                     !said.has(reply.code)) {
            said.add(reply.code); // a wrong door code is said once, not once per ticket
            result("refused", [reply.message || "", reply.message_en || ""], null);
            shown += 1;
          }
        }
        if (shown === 0) result("info", texts.door_none, null);
      });
  }

  const live = new window.HallLive({
    onOpen: (link) => {
      link.request("watch", {}).catch(() => {});
      checkIn(link);
    },
    onMessage: () => {},
    onState: () => {},
  });
  live.start();
})();
