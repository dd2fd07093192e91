import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ATTACHMENT_TYPES, cleanFileName, sniffType } from "@/domain";

const bytes = (...b: number[]) => Uint8Array.from(b);
const text = (s: string) => new TextEncoder().encode(s);

describe("sniffType: the type from the first bytes", () => {
  it.each([
    ["a PDF", text("%PDF-1.7\n%âãÏÓ"), "application/pdf"],
    ["a JPEG (JFIF)", bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46), "image/jpeg"],
    ["a JPEG (Exif)", bytes(0xff, 0xd8, 0xff, 0xe1, 0x12, 0x34), "image/jpeg"],
    ["a PNG", bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13), "image/png"],
    ["a WebP", text("RIFF\u0010\u0000\u0000\u0000WEBPVP8 "), "image/webp"],
  ])("%s is accepted", (_name, head, type) => {
    expect(sniffType(head)).toBe(type);
  });
  it.each([
    ["a Windows executable", text("MZ\u0090\u0000\u0003")],
    ["an ELF executable", bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1)],
    ["a shell script", text("#!/bin/sh\nrm -rf /")],
    ["a zip (an .xlsx, a .docx)", bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0)],
    ["HTML", text("<!doctype html><script>")],
    ["SVG", text('<svg xmlns="http://www.w3.org/2000/svg">')],
    ["a RIFF that is not WebP (a WAV)", text("RIFF\u0010\u0000\u0000\u0000WAVEfmt ")],
    ["a PNG signature cut short", bytes(0x89, 0x50, 0x4e, 0x47)],
    ["'%PDF' without the dash", text("%PDF1.7")],
    ["nothing", bytes()],
  ])("%s is refused", (_name, head) => {
    expect(sniffType(head)).toBeNull();
  });
});

describe("cleanFileName", () => {
  it.each([
    ["借款合同.pdf", "application/pdf", "借款合同.pdf"],
    ["C:\\Users\\clerk\\Desktop\\合同.pdf", "application/pdf", "合同.pdf"],
    ["../../etc/passwd", "application/pdf", "passwd.pdf"],
    ["photo", "image/jpeg", "photo.jpg"],
    ["", "image/png", "file.png"],
    ["...", "image/png", "file.png"],
    ['a<b>:"c|?*\u0000\u001f.jpg', "image/jpeg", "abc.jpg"],
  ] as const)("%j → %j", (raw, type, name) => {
    expect(cleanFileName(raw, type)).toBe(name);
  });
  it("never empty, never a path, at most 100 characters, no control characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom(...ATTACHMENT_TYPES), (raw, type) => {
        const name = cleanFileName(raw, type);
        expect(name.length).toBeGreaterThan(0);
        expect([...name].length).toBeLessThanOrEqual(100);
        expect(name).not.toMatch(/[\\/\u0000-\u001f]/);
        expect(name.startsWith(".")).toBe(false);
      }),
    );
  });
});
