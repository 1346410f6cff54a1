import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createAppApi } from '../common/ipc/api';
import { EVENT_CHANNEL, type IpcEventMessage } from '../common/ipc/contract';

// The page gets named functions built from the contract, never ipcRenderer or a generic invoke.
const api = createAppApi({
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
  subscribe: (listener) => {
    const handler = (_event: IpcRendererEvent, message: IpcEventMessage) => listener(message);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
});

contextBridge.exposeInMainWorld('behorighetsadmin', api);
