"""The sample CDK app of ecs-patterns (``cdk.json`` points at ``sample_app/app.py``)."""
