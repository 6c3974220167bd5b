"use strict";
/* The booking page (/book, 我要预约): service → day → slot → ID or phone → code and time;
   and a booking found by its code and the same ID or phone, to cancel or move it.

   Talks to the hall over the one WebSocket of live.js, without a device: watch (so that the
   link stays open), then appointment_slots, book_appointment, find_appointment,
   cancel_appointment and rebook_appointment. Refusals are shown in the server's words.
   Settings (中文/English, large text) are the phone page's, remembered on the phone. */
(function () {
  const config = JSON.parse(document.getElementById("book-config").textContent);
  const texts = config.texts;
  const T = window.hallText;
  const $ = (id) => document.getElementById(id);
  const WHO = /^(\d{17}[\dXx]|1\d{10})$/;
  const CODE = /^\d{8}$/;

  let service = null; // the chosen service's code
  let day = null; // the chosen day, YYYY-MM-DD
  let slot = null; // the chosen slot, HH:MM
  let table = []; // the days of the chosen service: [{day, weekday, slots: [...]}]
  let booking = null; // the booking shown, with the ID or phone it was found or made with
  let who = "";

  /* -- texts ------------------------------------------------------------------------------ */

  function pair(key, fields) {
    return T.pairOf(texts, key, fields);
  }

  function both(element, zhEn) {
    element.textContent = "";
    const zh = document.createElement("span");
    zh.className = "zh";
    zh.textContent = zhEn[0];
    const en = document.createElement("span");
    en.className = "en";
    en.textContent = zhEn[1];
    element.append(zh, en);
  }

  window.hallPhone.setup();

  function dayLabel(entry) {
    const [, month, date] = entry.day.split("-").map(Number);
    const names = config.weekdays;
    return [
      month + "月" + date + "日 " + fillWeek(texts.weekday[0], names[0][entry.weekday - 1]),
      names[1][entry.weekday - 1] + " " + month + "/" + date,
    ];
  }

  function fillWeek(template, d) {
    return T.fill(template, { d: d });
  }

  function showError(element, reply) {
    if (reply === null) {
      element.hidden = true;
      return;
    }
    both(element, [reply.message || "", reply.message_en || reply.message || ""]);
    element.hidden = false;
  }

  function offline() {
    return { message: texts.offline[0], message_en: texts.offline[1] };
  }

  /* -- the link --------------------------------------------------------------------------- */

  const live = new window.HallLive({
    onOpen: (link) => {
      link.request("watch", {}).catch(() => {});
    },
    onMessage: () => {},
    onState: (isLive) => {
      $("book-status").hidden = isLive;
    },
  });

  function ask(type, fields) {
    return live.request(type, fields).catch(() => ({ type: "error", ...offline() }));
  }

  /* -- tabs ------------------------------------------------------------------------------- */

  function tab(name) {
    $("tab-book").setAttribute("aria-selected", String(name === "book"));
    $("tab-manage").setAttribute("aria-selected", String(name === "manage"));
    $("book").hidden = name !== "book";
    $("manage").hidden = name !== "manage";
    $("result").hidden = true;
  }

  $("tab-book").addEventListener("click", () => tab("book"));
  $("tab-manage").addEventListener("click", () => tab("manage"));

  /* -- choosing --------------------------------------------------------------------------- */

  function press(container, button) {
    for (const other of container.querySelectorAll(".choice")) {
      other.setAttribute("aria-pressed", String(other === button));
    }
  }

  function drawDays(container, onDay) {
    container.textContent = "";
    for (const entry of table) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "choice day";
      button.dataset.day = entry.day;
      both(button, dayLabel(entry));
      const left = entry.slots.reduce((sum, s) => sum + s.left, 0);
      const small = document.createElement("small");
      both(small, left ? pair("left", { n: left }) : pair("full"));
      button.append(small);
      button.disabled = left === 0;
      button.addEventListener("click", () => {
        press(container, button);
        onDay(entry);
      });
      container.append(button);
    }
  }

  function drawSlots(container, entry, onSlot) {
    container.textContent = "";
    for (const s of entry.slots) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "choice slot";
      button.dataset.slot = s.slot;
      button.textContent = s.slot;
      const small = document.createElement("small");
      both(small, s.left ? pair("left", { n: s.left }) : pair("full"));
      button.append(small);
      button.disabled = s.left === 0;
      button.addEventListener("click", () => {
        press(container, button);
        onSlot(s.slot);
      });
      container.append(button);
    }
  }

  async function loadSlots(code) {
    const reply = await ask("appointment_slots", { service: code });
    table = reply.type === "appointment_slots" ? reply.days : [];
    return reply;
  }

  for (const button of document.querySelectorAll("#services .choice")) {
    button.addEventListener("click", async () => {
      press($("services"), button);
      service = button.dataset.service;
      day = slot = null;
      $("step-slot").hidden = true;
      $("step-who").hidden = true;
      await loadSlots(service);
      $("step-day").hidden = false;
      $("no-slots").hidden = table.length > 0;
      drawDays($("days"), (entry) => {
        day = entry.day;
        slot = null;
        $("step-who").hidden = true;
        $("step-slot").hidden = false;
        drawSlots($("slots"), entry, (chosen) => {
          slot = chosen;
          $("step-who").hidden = false;
          $("who").focus();
        });
      });
    });
  }

  $("step-who").addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = $("who").value.trim();
    if (!WHO.test(id)) {
      showError($("book-error"), { message: texts.who_bad[0], message_en: texts.who_bad[1] });
      return;
    }
    showError($("book-error"), null);
    $("submit").disabled = true;
    const reply = await ask("book_appointment", { service, day, slot, citizen_id: id });
    $("submit").disabled = false;
    if (reply.type !== "booking") {
      showError($("book-error"), reply);
      return;
    }
    who = id;
    $("who").value = "";
    showBooking(reply.booking, "booked");
  });

  /* -- a booking -------------------------------------------------------------------------- */

  function showBooking(found, title) {
    booking = found;
    $("book").hidden = true;
    $("manage").hidden = true;
    const result = $("result");
    result.hidden = false;
    result.className = "result state-" + found.state;
    if (title) both($("result-title"), pair(title));
    $("result-title").hidden = !title;
    $("result-code").textContent = found.code;
    both($("result-state"), pair("state_" + found.state));
    $("result-state").hidden = title === "booked" || title === "changed";
    both($("result-service"), [found.service_name_zh, found.service_name_en]);
    const [year, month, date] = found.day.split("-").map(Number);
    const weekday = ((new Date(year, month - 1, date).getDay() + 6) % 7) + 1; // ISO
    const label = dayLabel({ day: found.day, weekday: weekday });
    both($("result-when"), [
      T.fill(texts.when[0], { day: label[0], slot: found.slot }),
      T.fill(texts.when[1], { day: label[1], slot: found.slot }),
    ]);
    const open = found.state === "booked";
    both($("result-check-in"), pair("check_in", { start: found.check_in_from, end: found.check_in_until }));
    $("result-check-in").hidden = !open;
    both($("result-where"), [
      T.fill(texts.where[0], { where: found.location_zh }),
      T.fill(texts.where[1], { where: found.location_en || found.location_zh }),
    ]);
    $("result-where").hidden = !open || !found.location_zh;
    $("result-keep").hidden = !open;
    $("result-actions").hidden = !open;
    $("confirm-cancel").hidden = true;
    $("rebook").hidden = true;
    showError($("result-error"), null);
    result.scrollIntoView({ block: "start" });
  }

  $("find-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = $("find-code").value.trim();
    const id = $("find-who").value.trim();
    if (!CODE.test(code)) {
      showError($("find-error"), { message: texts.code_bad[0], message_en: texts.code_bad[1] });
      return;
    }
    if (!WHO.test(id)) {
      showError($("find-error"), { message: texts.who_bad[0], message_en: texts.who_bad[1] });
      return;
    }
    showError($("find-error"), null);
    const reply = await ask("find_appointment", { code, citizen_id: id });
    if (reply.type !== "booking") {
      showError($("find-error"), reply);
      return;
    }
    who = id;
    showBooking(reply.booking, "");
  });

  $("cancel").addEventListener("click", () => {
    $("confirm-cancel").hidden = false;
    $("rebook").hidden = true;
  });
  $("keep").addEventListener("click", () => {
    $("confirm-cancel").hidden = true;
  });
  $("yes-cancel").addEventListener("click", async () => {
    const reply = await ask("cancel_appointment", { code: booking.code, citizen_id: who });
    if (reply.type !== "booking") {
      showError($("result-error"), reply);
      return;
    }
    showBooking(reply.booking, "cancelled");
  });

  $("change").addEventListener("click", async () => {
    $("confirm-cancel").hidden = true;
    await loadSlots(booking.service);
    $("rebook").hidden = false;
    $("rebook-slots").textContent = "";
    drawDays($("rebook-days"), (entry) => {
      drawSlots($("rebook-slots"), entry, async (chosen) => {
        const fields = { code: booking.code, citizen_id: who, day: entry.day, slot: chosen };
        const reply = await ask("rebook_appointment", fields);
        if (reply.type !== "booking") {
          showError($("rebook-error"), reply);
          return;
        }
        showBooking(reply.booking, "changed");
      });
    });
    $("rebook").scrollIntoView({ block: "start" });
  });

  $("again").addEventListener("click", () => {
    booking = null;
    who = "";
    for (const id of ["step-day", "step-slot", "step-who"]) $(id).hidden = true;
    for (const b of document.querySelectorAll("#services .choice")) b.setAttribute("aria-pressed", "false");
    tab("book");
  });

  live.start();
})();
