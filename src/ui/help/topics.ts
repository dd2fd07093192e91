/** The screens that have a 说明 page (messages help.screens.*), by the first segment of their path. */
export const HELP_TOPICS = [
  "home",
  "loans",
  "borrowers",
  "dashboard",
  "claims",
  "fund",
  "ledgers",
  "imports",
  "audit",
] as const;
export type HelpTopic = (typeof HELP_TOPICS)[number];

export function helpTopicOf(pathname: string): HelpTopic {
  const first = pathname.split("/")[1] ?? "";
  return (HELP_TOPICS as readonly string[]).includes(first) ? (first as HelpTopic) : "home";
}
