import { IPC_EVENTS, type IpcEventMessage, type IpcEventName, type IpcEventPayload } from '../../common/ipc/contract';

/** Main's outgoing event stream: services publish, window and bridge forward to renderers. */
export interface EventBus {
  /** Publishes an event after checking it against the contract. */
  publish<E extends IpcEventName>(name: E, payload: IpcEventPayload<E>): void;
  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: (message: IpcEventMessage) => void): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Set<(message: IpcEventMessage) => void>();
  return {
    publish(name, payload) {
      const message = { name, payload: IPC_EVENTS[name].parse(payload) } as IpcEventMessage;
      for (const listener of listeners) listener(message);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
