"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { helpTopicOf } from "./topics";

/** 说明: the help page of the screen the user is on. */
export function HelpLink({ label }: { label: string }) {
  const pathname = usePathname();
  if (pathname.startsWith("/help")) return null;
  return (
    <Link
      href={`/help/${helpTopicOf(pathname)}`}
      className="whitespace-nowrap text-stone-500 underline-offset-2 hover:text-brand-700 hover:underline"
      data-testid="help-link"
    >
      {label}
    </Link>
  );
}
