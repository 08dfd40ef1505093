import { afterAll, afterEach } from 'vitest'
import { enableAutoUnmount } from '@vue/test-utils'

// Every mounted page is unmounted after its test, so nothing of it reacts to a later test.
enableAutoUnmount(afterEach)

// Vant measures a fixed bar's placeholder 100, 200 and 300 ms after it mounts (safe-area insets);
// a timer that fires after jsdom is torn down throws "window is not defined" and fails the run
// although every test passed. Wait them out before the environment goes.
afterAll(() => new Promise((resolve) => setTimeout(resolve, 350)))
