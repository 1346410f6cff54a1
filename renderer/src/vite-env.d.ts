/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** 'off' in release builds: the test bridge client is compiled out. */
  readonly VITE_TEST_BRIDGE?: string;
}
