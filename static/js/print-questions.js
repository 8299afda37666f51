/*
 * "Print these questions" on an article: prints only the "Questions for your
 * healthcare team" card, under the article's title and address, for a reader
 * to take to an appointment.
 *
 * Progressive enhancement: the button exists only once this script has run, so
 * without JavaScript (or without window.print) the card is plain text and
 * printing prints the whole article. The print styles in site.css do the
 * hiding, keyed on the class this script puts on <body>.
 */
(function () {
  "use strict";

  var card = document.querySelector("[data-print-questions]");
  var title = document.querySelector("h1");
  if (!card || !title || typeof window.print !== "function") {
    return;
  }

  var PRINTING = "printing-questions";

  // On paper only: where the page came from, under its title.
  var address = document.createElement("p");
  address.className = "print-address";
  address.textContent = "IBD Movement · " + window.location.origin + window.location.pathname;
  title.insertAdjacentElement("afterend", address);

  var button = document.createElement("button");
  button.type = "button";
  button.className = "button button--secondary questions__print";
  button.textContent = "Print these questions";
  button.addEventListener("click", function () {
    document.body.classList.add(PRINTING);
    window.print();
  });
  card.appendChild(button);

  // Some browsers return from print() at once and print later: drop the class
  // only when the browser says printing is over (or was cancelled).
  window.addEventListener("afterprint", function () {
    document.body.classList.remove(PRINTING);
  });
})();
