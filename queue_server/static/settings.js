"use strict";
/* The phone pages' settings (中文/English, large text), remembered on the phone under the
   same keys as the ticket page's, and the phone's remote tickets (hall.remote: the page
   tokens of the numbers taken on it, newest first, for the door QR's check-in). */
(function () {
  const root = document.documentElement;

  function remembered(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (err) {
      return null;
    }
  }

  function remember(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (err) {
      /* private mode: not remembered */
    }
  }

  function setLanguage(lang) {
    root.classList.toggle("lang-en", lang === "en");
    root.classList.toggle("lang-zh", lang !== "en");
    root.lang = lang === "en" ? "en" : "zh-CN";
  }

  function setLarge(large) {
    root.classList.toggle("large", large);
    document.getElementById("toggle-large").setAttribute("aria-pressed", String(large));
  }

  function setup() {
    setLanguage(remembered("hall.lang") === "en" ? "en" : "zh");
    setLarge(remembered("hall.large") === "1");
    document.getElementById("toggle-lang").addEventListener("click", () => {
      const lang = root.classList.contains("lang-en") ? "zh" : "en";
      setLanguage(lang);
      remember("hall.lang", lang);
    });
    document.getElementById("toggle-large").addEventListener("click", () => {
      const large = !root.classList.contains("large");
      setLarge(large);
      remember("hall.large", large ? "1" : "0");
    });
  }

  function remoteTickets() {
    try {
      const list = JSON.parse(remembered("hall.remote") || "[]");
      return Array.isArray(list) ? list.filter((k) => k && typeof k.token === "string") : [];
    } catch (err) {
      return [];
    }
  }

  function keepRemote(token, number) {
    const kept = remoteTickets().filter((k) => k.token !== token);
    kept.unshift({ token: token, number: number });
    remember("hall.remote", JSON.stringify(kept.slice(0, 5)));
  }

  window.hallPhone = { setup: setup, remoteTickets: remoteTickets, keepRemote: keepRemote };
})();
