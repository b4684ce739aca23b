/** How a conformance program records an error: what kafka-node's callers can see of it (class name, message, code). */
export function describeFailure(error: unknown): { name: string; message: string; errorCode?: unknown } {
  if (!(error instanceof Error)) return { name: typeof error, message: String(error) };
  const errorCode = (error as { errorCode?: unknown }).errorCode;
  return { name: error.name, message: error.message, ...(errorCode !== undefined ? { errorCode } : {}) };
}

/** A constructor call kafka-node checks synchronously: 'constructed', or the error thrown (its constructor's name too). */
export function construction(build: () => unknown): string {
  try {
    build();
    return 'constructed';
  } catch (error) {
    const { name, message } = describeFailure(error);
    return `thrown ${(error as object).constructor.name}/${name}: ${message}`;
  }
}

/** A kafka-node callback as a trace entry: the result, or the error as describeFailure records it. */
export function answer(run: (done: (error: unknown, result?: unknown) => void) => void): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('no callback within 20 s'), 20000);
    run((error, result) => {
      clearTimeout(timer);
      resolve(error ? { error: describeFailure(error) } : { result });
    });
  });
}
