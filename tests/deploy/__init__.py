"""Deploy tests: the real CDK CLI against a local moto server (see test_deploy_emulator.py)."""
