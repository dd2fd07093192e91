export function PageError({ message }: { message: string }) {
  return (
    <div
      role="alert"
      data-testid="page-error"
      className="rounded-lg bg-amber-50 p-6 text-amber-900 ring-1 ring-amber-200"
    >
      {message}
    </div>
  );
}
