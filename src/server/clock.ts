import "server-only";
import { type IsoDate } from "@/domain";

/** The clock of the programme: calendar dates are Beijing's (Asia/Shanghai). */
const shanghaiDay = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** Today's calendar date in Asia/Shanghai. */
export function todayShanghai(now = new Date()): IsoDate {
  return shanghaiDay.format(now);
}
