/**
 * Spreadsheet safety for exported text (OWASP CSV injection): a text cell starting with = + - @ tab or CR (or full-width ＝ ＋ － ＠)
 * would be read by Excel/WPS as a formula. Such a cell is prefixed with an apostrophe, which spreadsheet
 * programs show as text and do not evaluate. Applied to every text column of every export; numeric columns
 * (amounts, counts) are produced by HalfSky and written as numbers.
 */
const DANGEROUS = /^[=+\-@\t\r＝＋－＠]/; // and their full-width forms, which Excel and WPS also evaluate

export function neutraliseCell(value: string): string {
  return DANGEROUS.test(value) ? `'${value}` : value;
}
