"use strict";
/* The phone pages' settings (中文/English, large text), remembered on the phone (hall.lang,
   hall.large) for every phone page alike, and the phone's remote tickets (hall.remote: the
   page tokens of the numbers taken on it, newest first, for the door QR's check-in). */
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

  /* The page's language; an input's English placeholder is its data-placeholder-en. */
  function setLanguage(lang) {
    root.classList.toggle("lang-en", lang === "en");
    root.classList.toggle("lang-zh", lang !== "en");
    root.lang = lang === "en" ? "en" : "zh-CN";
    for (const input of document.querySelectorAll("input[data-placeholder-en]")) {
      if (!input.dataset.placeholderZh) input.dataset.placeholderZh = input.placeholder;
      input.placeholder = lang === "en" ? input.dataset.placeholderEn : input.dataset.placeholderZh;
    }
  }

  function setLarge(large) {
    root.classList.toggle("large", large);
    document.getElementById("toggle-large").setAttribute("aria-pressed", String(large));
  }

  /* Apply the remembered settings and wire the two toggles; onLanguage(lang), if given, is
     told after the citizen switches the language (for what the page draws itself). */
  function setup(onLanguage) {
    setLanguage(remembered("hall.lang") === "en" ? "en" : "zh");
    setLarge(remembered("hall.large") === "1");
    document.getElementById("toggle-lang").addEventListener("click", () => {
      const lang = root.classList.contains("lang-en") ? "zh" : "en";
      setLanguage(lang);
      remember("hall.lang", lang);
      if (onLanguage) onLanguage(lang);
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

  /* Remember a remote ticket first (the five newest are kept). */
  function keepRemote(token, number) {
    const kept = remoteTickets().filter((k) => k.token !== token);
    kept.unshift({ token: token, number: number });
    remember("hall.remote", JSON.stringify(kept.slice(0, 5)));
  }

  /* Forget a remote ticket that is over: nothing is left to check in. */
  function forgetRemote(token) {
    remember("hall.remote", JSON.stringify(remoteTickets().filter((k) => k.token !== token)));
  }

  window.hallPhone = {
    setup: setup,
    remoteTickets: remoteTickets,
    keepRemote: keepRemote,
    forgetRemote: forgetRemote,
  };
})();
