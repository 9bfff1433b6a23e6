"""Tests of batch generation: sheets, uploads, jobs, the API, the CLI and killed workers."""
