"use strict";
/* 远程取号: choose a service, enter the mobile number, take a number (take_remote), then
   open the ticket's own live page. A retry after a dropped connection sends the same
   request id, so it never takes a second number. */
(function () {
  const config = JSON.parse(document.getElementById("take-config").textContent);
  const texts = config.texts;
  const T = window.hallText;
  const phone = window.hallPhone;
  phone.setup();

  const choose = document.getElementById("choose");
  const form = document.getElementById("phone");
  const input = document.getElementById("phone-input");
  const error = document.getElementById("error");
  const takeButton = document.getElementById("take-button");
  let service = null;
  let requestId = null;
  let busy = false;

  function newRequestId() {
    const bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function showError(pair) {
    error.hidden = !pair;
    if (pair) T.setPair(error, pair);
  }

  function drawMine() {
    const list = document.getElementById("mine-list");
    const mine = phone.remoteTickets();
    list.textContent = "";
    for (const k of mine) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = "/t/" + encodeURIComponent(k.token);
      link.textContent = k.number || "…";
      item.appendChild(link);
      list.appendChild(item);
    }
    document.getElementById("mine").hidden = mine.length === 0;
  }

  for (const card of document.querySelectorAll(".service-card")) {
    card.addEventListener("click", () => {
      service = card.dataset.code;
      requestId = newRequestId();
      T.setPair(document.getElementById("chosen"), [card.dataset.zh, card.dataset.en]);
      choose.hidden = true;
      form.hidden = false;
      showError(null);
      input.focus();
    });
  }

  document.getElementById("back-button").addEventListener("click", () => {
    form.hidden = true;
    choose.hidden = false;
    service = null;
  });

  function take() {
    if (busy || service === null) return;
    busy = true;
    takeButton.disabled = true;
    T.setPair(takeButton, texts.taking);
    showError(null);
    const done = () => {
      busy = false;
      takeButton.disabled = false;
      T.setPair(takeButton, texts.take_button);
    };
    const fields = { service: service, phone: input.value, request_id: requestId };
    const idNumber = document.getElementById("id-input").value.trim();
    if (idNumber) fields.id_number = idNumber;
    live.request("take_remote", fields).then((reply) => {
      if (reply.type === "remote_ticket") {
        phone.keepRemote(reply.page.replace(/^\/t\//, ""), reply.ticket.number);
        window.location.assign(reply.page);
        return;
      }
      done();
      showError([reply.message || "", reply.message_en || ""]);
    }, () => {
      done();
      showError(texts.offline);
    });
  }

  takeButton.addEventListener("click", take);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") take();
  });

  const live = new window.HallLive({
    onOpen: (link) => {
      link.request("watch", {}).catch(() => {}); // a public page follows the hall
    },
    onMessage: () => {},
    onState: () => {},
  });
  drawMine();
  live.start();
})();
