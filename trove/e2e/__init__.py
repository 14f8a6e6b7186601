"""Browser tests of the key journeys (issue 15): Selenium drives Debian's Chromium against a live server holding the
demo data; every page visited is checked with axe-core, and the screenshots feed the user guide (docs/guide/)."""
