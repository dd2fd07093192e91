export async function seedIfEmpty(_url: string, _log: (m: string) => void): Promise<boolean> {
  return false;
}
