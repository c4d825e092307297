// An actor's in-memory mailbox: a FIFO with O(1) append, put-back at the head (a cast retried after a crash)
// and removal from the middle (a call whose deadline passed before it started).

/** A queued item's handle, used to remove it before it is taken. */
export interface MailboxSlot<T> {
  readonly value: T;
}

interface Node<T> extends MailboxSlot<T> {
  prev: Node<T> | null;
  next: Node<T> | null;
  queued: boolean;
}

/** A FIFO queue of messages. */
export class Mailbox<T> {
  #head: Node<T> | null = null;
  #tail: Node<T> | null = null;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Appends at the tail. */
  push(value: T): MailboxSlot<T> {
    const node: Node<T> = { value, prev: this.#tail, next: null, queued: true };
    if (this.#tail === null) this.#head = node;
    else this.#tail.next = node;
    this.#tail = node;
    this.#length += 1;
    return node;
  }

  /** Puts back at the head, to be taken next. */
  unshift(value: T): MailboxSlot<T> {
    const node: Node<T> = { value, prev: null, next: this.#head, queued: true };
    if (this.#head === null) this.#tail = node;
    else this.#head.prev = node;
    this.#head = node;
    this.#length += 1;
    return node;
  }

  /** The head without taking it, or undefined when empty. */
  peek(): T | undefined {
    return this.#head?.value;
  }

  /** Takes the head, or undefined when empty. */
  shift(): T | undefined {
    const node = this.#head;
    if (node === null) return undefined;
    this.#unlink(node);
    return node.value;
  }

  /** Removes a slot that is still queued; false when it was already taken or removed. */
  remove(slot: MailboxSlot<T>): boolean {
    const node = slot as Node<T>;
    if (!node.queued) return false;
    this.#unlink(node);
    return true;
  }

  /** Empties the mailbox and returns what it held, in order. */
  drain(): T[] {
    const out: T[] = [];
    for (let v = this.shift(); v !== undefined; v = this.shift()) out.push(v);
    return out;
  }

  #unlink(node: Node<T>): void {
    if (node.prev === null) this.#head = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.#tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = null;
    node.next = null;
    node.queued = false;
    this.#length -= 1;
  }
}
