"use client";

import { useId, useMemo, useState } from "react";
import { inputClass } from "./Field";

export interface VillageChoice {
  township: string;
  /** Pinyin of the township, full and initials, lower case ("daojiangzhen djz"). */
  keys: string;
  villages: { code: string; name: string; keys: string }[];
}

interface Option {
  code: string;
  label: string;
  search: string;
}

/** Does a typed query match an option: the characters of the name (周家), or pinyin — full or initials (zjb). */
export function matchesQuery(o: Pick<Option, "label" | "search">, query: string): boolean {
  const q = query.trim().toLowerCase().replace(/\s+/g, "");
  if (!q) return true;
  if (o.label.replace(/\s|·/g, "").includes(q)) return true;
  return o.search.split(" ").some((k) => k.includes(q));
}

/**
 * A searchable village picker (WAI-ARIA combobox with a listbox): type part of the village or township name
 * or its pinyin initials, move with ↑/↓, choose with Enter, close with Esc. The chosen code is posted as
 * `name`; an empty value means nothing chosen.
 */
export function VillageCombobox({
  id,
  name,
  groups,
  defaultValue,
  invalid,
  placeholder,
  noMatch,
  describedBy,
}: {
  id: string;
  name: string;
  groups: VillageChoice[];
  defaultValue: string;
  invalid: boolean;
  placeholder: string;
  noMatch: string;
  describedBy?: string;
}) {
  const options = useMemo<Option[]>(
    () =>
      groups.flatMap((g) =>
        g.villages.map((v) => ({
          code: v.code,
          label: `${g.township} · ${v.name}`,
          // the village's own pinyin first; the township's too, so "djz" lists its villages
          search: `${v.keys} ${g.keys} ${g.keys
            .split(" ")
            .flatMap((t) => v.keys.split(" ").map((k) => t + k))
            .join(" ")}`,
        })),
      ),
    [groups],
  );
  const [value, setValue] = useState(defaultValue);
  const chosen = options.find((o) => o.code === value);
  const [query, setQuery] = useState(chosen?.label ?? "");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = useId();
  const shown = useMemo(
    () => (chosen && query === chosen.label ? options : options.filter((o) => matchesQuery(o, query))),
    [options, query, chosen],
  );
  const choose = (o: Option) => {
    setValue(o.code);
    setQuery(o.label);
    setOpen(false);
  };
  return (
    <div className="relative">
      <input type="hidden" name={name} value={value} />
      <input
        id={id}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && shown[active] ? `${listId}-${shown[active].code}` : undefined}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        aria-required
        autoComplete="off"
        placeholder={placeholder}
        value={query}
        className={inputClass}
        onFocus={(e) => {
          e.currentTarget.select();
          setOpen(true);
        }}
        onBlur={() => setOpen(false)}
        onChange={(e) => {
          setQuery(e.target.value);
          setValue("");
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setOpen(true);
            setActive((a) => Math.min(a + 1, shown.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === "Enter" && open) {
            e.preventDefault(); // choosing is not submitting
            if (shown[active]) choose(shown[active]);
          } else if (e.key === "Escape") setOpen(false);
        }}
      />
      {open && (
        <ul
          id={listId}
          role="listbox"
          className="absolute z-10 mt-1 max-h-64 w-full overflow-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-stone-200"
        >
          {shown.length === 0 && <li className="px-3 py-1.5 text-stone-500">{noMatch}</li>}
          {shown.map((o, i) => (
            <li
              key={o.code}
              id={`${listId}-${o.code}`}
              role="option"
              aria-selected={o.code === value}
              className={`cursor-pointer px-3 py-1.5 ${i === active ? "bg-brand-50 text-brand-800" : ""}`}
              // mousedown, not click: the input's blur would close the list first
              onMouseDown={(e) => {
                e.preventDefault();
                choose(o);
              }}
              onMouseEnter={() => setActive(i)}
            >
              {o.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
