/* Move up and Move down for the article form's sections and questions (inlines with the class "reorderable").
   Without this script editors type order numbers. With it the number boxes are hidden, the buttons move the
   rows, and the numbers follow the rows' order when the form is sent. A new row left empty keeps its
   number, so it stays unchanged and is not saved. */
"use strict";
(function () {
    function rowsOf(group) {
        const prefix = group.id.replace(/-group$/, "");
        const pattern = new RegExp("^" + prefix + "-\\d+$");
        return Array.from(group.querySelectorAll("[id^='" + prefix + "-']")).filter((row) => pattern.test(row.id));
    }

    function isBlankNewRow(row) {
        const id = row.querySelector("input[name$='-id']");
        if (id && id.value) {
            return false;
        }
        const boxes = row.querySelectorAll("textarea, input[type='text']");
        return Array.from(boxes).every((box) => box.value.trim() === "");
    }

    function refresh(group) {
        const rows = rowsOf(group);
        rows.forEach((row, index) => {
            const up = row.querySelector(".reorder-up");
            const down = row.querySelector(".reorder-down");
            if (up) {
                up.disabled = index === 0;
                down.disabled = index === rows.length - 1;
            }
        });
    }

    function button(label, className, onClick) {
        const element = document.createElement("button");
        element.type = "button";
        element.className = "button " + className;
        element.textContent = label;
        element.addEventListener("click", onClick);
        return element;
    }

    function enhance(group, row) {
        const cell = row.querySelector(".field-position");
        if (!cell || cell.querySelector(".reorder-buttons")) {
            return;
        }
        cell.querySelectorAll("input, label, .help").forEach((element) => element.classList.add("hidden"));
        const buttons = document.createElement("div");
        buttons.className = "reorder-buttons";
        buttons.append(
            button("Move up", "reorder-up", () => {
                const rows = rowsOf(group);
                const index = rows.indexOf(row);
                if (index > 0) {
                    rows[index - 1].before(row);
                }
                refresh(group);
                row.querySelector(index > 1 ? ".reorder-up" : ".reorder-down").focus();
            }),
            button("Move down", "reorder-down", () => {
                const rows = rowsOf(group);
                const index = rows.indexOf(row);
                if (index < rows.length - 1) {
                    rows[index + 1].after(row);
                }
                refresh(group);
                row.querySelector(index < rows.length - 2 ? ".reorder-down" : ".reorder-up").focus();
            }),
        );
        cell.append(buttons);
    }

    function positionOf(row) {
        const input = row.querySelector("input[name$='-position']");
        return input ? Number(input.value) || 0 : 0;
    }

    // A form shown again after a failed save has its rows in the order they were sent, not the order the
    // editor chose (their numbers): put them back in that order, empty new rows last.
    function sortByPosition(group) {
        const rows = rowsOf(group);
        if (rows.length < 2) {
            return;
        }
        const filled = rows.filter((row) => !isBlankNewRow(row)).sort((a, b) => positionOf(a) - positionOf(b));
        const blank = rows.filter(isBlankNewRow);
        const parent = rows[0].parentNode;
        const end = rows[rows.length - 1].nextSibling;
        filled.concat(blank).forEach((row) => parent.insertBefore(row, end));
    }

    // Each row's number must be above the one before it. Numbers already in order stay as they are, so a
    // save that moved nothing changes no row's number.
    function renumber(group) {
        let previous = -1;
        rowsOf(group).forEach((row) => {
            const input = row.querySelector("input[name$='-position']");
            if (!input || isBlankNewRow(row)) {
                return;
            }
            const position = positionOf(row) > previous ? positionOf(row) : previous + 1;
            if (position !== positionOf(row)) {
                input.value = position;
            }
            previous = position;
        });
    }

    window.addEventListener("DOMContentLoaded", () => {
        const groups = Array.from(document.querySelectorAll(".inline-group")).filter(
            (group) => group.querySelector("fieldset.reorderable"),
        );
        groups.forEach((group) => {
            group.classList.add("reorder-ready");
            sortByPosition(group);
            rowsOf(group).forEach((row) => enhance(group, row));
            refresh(group);
            const form = group.closest("form");
            form.addEventListener("submit", () => renumber(group));
        });
        document.addEventListener("formset:added", (event) => {
            const group = groups.find((candidate) => candidate.contains(event.target));
            if (group) {
                enhance(group, event.target);
                refresh(group);
            }
        });
        document.addEventListener("formset:removed", () => groups.forEach(refresh));
    });
})();
