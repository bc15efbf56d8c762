"""Small CDK apps that tests run through the real CDK CLI."""
