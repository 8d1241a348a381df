export function chromiumPath(): string;
export function chromiumArgs(options?: { gpu?: boolean }): string[];
