/**
 * One-line progress bar on a terminal (redrawn in place); plain lines when stdout is not a
 * TTY (CI logs, pipes), where carriage returns would only make noise.
 */
export class Progress {
  private readonly tty = Boolean(process.stdout.isTTY);
  private readonly started = Date.now();
  private done = 0;
  private label = '';
  private lastWidth = 0;

  /** `total` units of work; a cell is one unit, a set-up step a fraction of one. */
  constructor(private readonly total: number) {}

  /** Sets what is running now; `fraction` is how far the current unit is. */
  update(label: string, fraction = 0): void {
    this.label = label;
    if (this.tty) this.draw(fraction);
  }

  /** Marks `units` finished; prints `line` (a result) above the bar, or as a plain line. */
  complete(units: number, line?: string): void {
    this.done += units;
    if (this.tty) {
      if (line) this.print(line);
      this.draw(0);
    } else if (line) process.stdout.write(`[${this.percent(0)}] ${line}\n`);
  }

  /** A message that is not a result (set-up steps, warnings). */
  log(line: string): void {
    if (this.tty) {
      this.print(line);
      this.draw(0);
    } else process.stdout.write(`${line}\n`);
  }

  finish(): void {
    if (this.tty) process.stdout.write(`\r${' '.repeat(this.lastWidth)}\r`);
  }

  private percent(fraction: number): string {
    return `${Math.min(100, Math.floor(((this.done + fraction) / this.total) * 100))
      .toString()
      .padStart(3)}%`;
  }

  private print(line: string): void {
    process.stdout.write(`\r${' '.repeat(this.lastWidth)}\r${line}\n`);
  }

  private draw(fraction: number): void {
    const width = 28;
    const filled = Math.min(width, Math.round(((this.done + fraction) / this.total) * width));
    const secs = Math.round((Date.now() - this.started) / 1000);
    const elapsed = `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}`;
    const columns = process.stdout.columns || 100; // 0 when the terminal size is unknown
    const text = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${this.percent(fraction)} ${elapsed}  ${this.label}`.slice(0, columns - 1);
    process.stdout.write(`\r${text}${' '.repeat(Math.max(0, this.lastWidth - text.length))}`);
    this.lastWidth = text.length;
  }
}
