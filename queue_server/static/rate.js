"use strict";
/* The hall's rating page (未办先评): a citizen rates the hall itself, tied to no ticket.

   Pick what to rate (the hall overall, environment, volunteers, guidance), then press one of
   the five levels: the page sends rate_hall over the one WebSocket (live.js) and thanks the
   citizen. The server takes a few ratings per address and records them as from a phone.
   Settings (中文/English, large text) are remembered on the phone, as on the ticket page. */
(function () {
  const texts = JSON.parse(document.getElementById("page-texts").textContent);
  const T = window.hallText;
  const levels = Array.from(document.querySelectorAll("#levels button"));
  const aspects = Array.from(document.querySelectorAll("#aspects button"));
  const result = document.getElementById("result");
  const status = document.getElementById("status");
  let aspect = aspects.length ? aspects[0].dataset.aspect : "overall";
  let sending = false;
  let done = false;

  window.hallPhone.setup();

  /* -- rating ---------------------------------------------------------------------------- */

  function ready() {
    for (const button of levels) button.disabled = sending || done || !live.live;
  }

  function say(pair) {
    T.setPair(result, pair);
    result.hidden = false;
  }

  function finished(pair) {
    done = true;
    document.getElementById("form").hidden = true;
    say(pair);
    document.getElementById("again-row").hidden = false;
    ready();
  }

  for (const button of aspects) {
    button.addEventListener("click", () => {
      aspect = button.dataset.aspect;
      for (const other of aspects) other.setAttribute("aria-pressed", String(other === button));
    });
  }

  for (const button of levels) {
    button.addEventListener("click", () => {
      if (sending || done) return;
      sending = true;
      ready();
      const score = Number(button.dataset.score);
      live.request("rate_hall", { score: score, aspect: aspect }).then((reply) => {
        sending = false;
        if (reply.type === "rating" && reply.rating) {
          finished(reply.rating.bad ? texts.rate_sorry : texts.rate_thanks);
        } else if (reply.type === "error" && reply.code === "rate_limited") {
          finished(texts.rate_enough);
        } else {
          say(texts.rate_failed);
          ready();
        }
      }, () => {
        sending = false;
        say(texts.rate_failed);
        ready();
      });
    });
  }

  document.getElementById("again").addEventListener("click", () => {
    done = false;
    result.hidden = true;
    document.getElementById("again-row").hidden = true;
    document.getElementById("form").hidden = false;
    ready();
  });

  const live = new window.HallLive({
    // Watch: a connection that neither says hello nor watches is closed; the welcome also
    // marks the link live.
    onOpen: (link) => {
      link.request("watch", {}).catch(() => {});
      ready();
    },
    onMessage: () => {},
    onState: (isLive) => {
      ready();
      status.hidden = isLive;
      if (!isLive) T.setPair(status, texts.reconnecting);
    },
  });
  T.setPair(status, texts.connecting);
  live.start();
})();
