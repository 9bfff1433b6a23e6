"""Tests of the web page: pages and sign-in through the test client, forms in headless chromium."""
