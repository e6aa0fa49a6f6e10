/**
 * The delivery ids a receiver has seen, oldest forgotten first, so a redelivery (GitHub's
 * "Redeliver" reuses the id) is answered 202 and runs no cycle. Bounded: memory never grows with
 * the number of deliveries.
 */
export class DeliveryMemory {
  readonly #ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** Records `id`; true when it was already there. */
  seen(id: string): boolean {
    if (this.capacity === 0) return false;
    if (this.#ids.has(id)) return true;
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) {
      const oldest = this.#ids.values().next();
      if (oldest.done !== true) this.#ids.delete(oldest.value);
    }
    return false;
  }

  /** Forgets `id` (its handling failed, so the sender's retry must count). */
  forget(id: string): void {
    this.#ids.delete(id);
  }
}
