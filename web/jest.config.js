// The portal's browser tests: the real platform, the built portal, headless Chromium.
module.exports = { ...require('../jest.preset.js'), displayName: 'web' };
