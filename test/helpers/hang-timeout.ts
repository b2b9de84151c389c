/**
 * Every test's time limit, set once for all projects (jest.config.js): it detects a hang, never slowness. On a busy
 * 2-core machine (two whole suites at once beside CPU-heavy jobs, load average 17) tests that start `redsite`
 * processes took minutes, and a 60 s limit failed them although nothing was wrong. REDSITE_TEST_TIMEOUT_MS lowers it
 * when you want a hang reported sooner.
 */
jest.setTimeout(Number(process.env.REDSITE_TEST_TIMEOUT_MS) || 600_000);
