/* After a failed save of an article, focus moves to the summary of problems at the top, so a screen reader
   reads it first; each link in it scrolls to its field and puts the cursor there (GOV.UK's error summary). */
"use strict";
window.addEventListener("DOMContentLoaded", () => {
    const summary = document.querySelector(".error-summary");
    if (!summary) {
        return;
    }
    summary.focus();
    summary.addEventListener("click", (event) => {
        const link = event.target.closest("a[href^='#']");
        const field = link && document.getElementById(link.hash.slice(1));
        if (!field) {
            return;
        }
        event.preventDefault();
        field.scrollIntoView({block: "center"});
        field.focus({preventScroll: true});
    });
});
