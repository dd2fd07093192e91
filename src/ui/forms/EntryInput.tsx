"use client";

import { useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { bpToPercentEntry, formatWan, parsePercentEntry, parseYuanEntry } from "@/domain";
import { inputClass } from "./Field";

/** A cap that depends on another field of the form (e.g. the programme chosen): its value → cap. */
export interface CapByField {
  field: string;
  caps: Record<string, number>;
}

/** The value of another field of the same form, followed as it changes. */
function useFormValue(ref: React.RefObject<HTMLInputElement | null>, field: string | undefined) {
  const [value, setValue] = useState<string | null>(null);
  useEffect(() => {
    const form = ref.current?.form;
    if (!form || !field) return;
    const read = () => {
      const el = form.elements.namedItem(field);
      setValue(el && "value" in el ? String(el.value) : null);
    };
    read();
    form.addEventListener("change", read);
    return () => form.removeEventListener("change", read);
  }, [ref, field]);
  return value;
}

/**
 * An amount field as people type it ("50,000.00", "5万"): beside it the amount in 万元 (a 50000/500000 slip
 * shows at once) and the policy's cap, in red once the amount exceeds it. The server parses the same way.
 */
export function YuanInput({
  id,
  name,
  defaultValue,
  invalid,
  capFen,
  capBy,
  capIsApproved = false,
}: {
  id: string;
  name: string;
  defaultValue: string;
  invalid: boolean;
  capFen?: number;
  capBy?: CapByField;
  /** The cap is the approved amount (disbursement), not the policy's. */
  capIsApproved?: boolean;
}) {
  const t = useTranslations("forms");
  const ref = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(defaultValue);
  const other = useFormValue(ref, capBy?.field);
  const cap = capBy ? (other !== null ? capBy.caps[other] : undefined) : capFen;
  const parsed = text.trim() ? parseYuanEntry(text) : null;
  const over = parsed?.ok && cap !== undefined && parsed.value > cap;
  return (
    <>
      <input
        ref={ref}
        id={id}
        name={name}
        defaultValue={defaultValue}
        onChange={(e) => setText(e.target.value)}
        inputMode="decimal"
        maxLength={32}
        aria-invalid={invalid}
        aria-describedby={`${id}-echo`}
        autoComplete="off"
        className={inputClass}
      />
      <p id={`${id}-echo`} className="mt-1 text-xs text-stone-500" data-testid={`${id}-echo`}>
        {parsed &&
          (parsed.ok ? (
            <span className="num">{t("inWan", { wan: formatWan(parsed.value) })}</span>
          ) : (
            t("unreadableAmount")
          ))}
        {cap !== undefined && (
          <span className={over ? "ml-2 font-medium text-red-700" : "ml-2"}>
            {t(capIsApproved ? (over ? "overApprovedCap" : "approvedCap") : over ? "overCap" : "cap", {
              cap: formatWan(cap),
            })}
          </span>
        )}
      </p>
    </>
  );
}

/** A rate typed in percent ("4.35"), with the policy's cap beside it. */
export function PercentInput({
  id,
  name,
  defaultValue,
  invalid,
  capBp,
}: {
  id: string;
  name: string;
  defaultValue: string;
  invalid: boolean;
  capBp?: number;
}) {
  const t = useTranslations("forms");
  const [text, setText] = useState(defaultValue);
  const parsed = text.trim() ? parsePercentEntry(text) : null;
  const over = parsed?.ok && capBp !== undefined && parsed.value > capBp;
  return (
    <>
      <input
        id={id}
        name={name}
        defaultValue={defaultValue}
        onChange={(e) => setText(e.target.value)}
        inputMode="decimal"
        maxLength={32}
        aria-invalid={invalid}
        aria-describedby={`${id}-echo`}
        autoComplete="off"
        className={inputClass}
      />
      <p id={`${id}-echo`} className="mt-1 text-xs text-stone-500" data-testid={`${id}-echo`}>
        {parsed && !parsed.ok && t("unreadableRate")}
        {capBp !== undefined && (
          <span className={over ? "font-medium text-red-700" : ""}>
            {t(over ? "overRateCap" : "rateCap", { cap: bpToPercentEntry(capBp) })}
          </span>
        )}
      </p>
    </>
  );
}
