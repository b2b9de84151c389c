/** jest's globalTeardown: removes this run's temporary folder (temp-root.js). */
module.exports = require('./temp-root').teardown;
