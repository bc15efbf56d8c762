"""A team's fleet: a web service, the backend it calls, a queue worker and a nightly job.

One stack for the cluster, one for the image repository and one per workload, as in "Using it
from your own app". Synthesize with ``cdk synth --app "python fleet.py"``.
"""

from aws_cdk import App, Duration, Environment, Stack
from aws_cdk import aws_certificatemanager as acm

import ecs_patterns as ep

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"

app = App()
env = Environment(account="123456789012", region="us-east-1")
cluster = ep.FargateCluster(Stack(app, "Platform", env=env), "Cluster")
repository = ep.EcrRepository(Stack(app, "Images", env=env), "Shop")
tag = str(app.node.try_get_context("image_tag") or "bootstrap")
alive = ep.HealthCheck(command=["CMD", "/app/healthcheck"])  # for the workloads without a port


def image(role: str, health: ep.HealthCheck | None = None) -> ep.ContainerOptions:
    """The fleet's one image; its entrypoint runs what APP_ROLE names."""
    check = health or ep.HealthCheck()  # default: HTTP GET /health on port 8080
    return ep.ContainerOptions(
        repository=repository, image_tag=tag, environment={"APP_ROLE": role}, health_check=check
    )


# The public web service, HTTPS with the team's certificate.
web_stack = Stack(app, "Web", env=env)
certificate = acm.Certificate.from_certificate_arn(web_stack, "Certificate", CERTIFICATE)
load_balancer = ep.LoadBalancerOptions(certificate=certificate)
web_props = ep.WebServiceProps(container=image("web"), cluster=cluster, load_balancer=load_balancer)
web = ep.FargateWebService(web_stack, "Web", web_props)
# A backend without a load balancer: the web service calls http://orders:8080.
orders_props = ep.BackendServiceProps(container=image("orders"), cluster=cluster)
orders = ep.BackendService(Stack(app, "Orders", env=env), "Orders", orders_props)
orders.allow_from(web)
# A worker on its own encrypted queue, scaled on the backlog per task.
queue = ep.QueueOptions(processing_time=Duration.seconds(30))
worker = ep.QueueWorkerProps(container=image("worker", alive), cluster=cluster, queue=queue)
ep.QueueWorkerService(Stack(app, "Worker", env=env), "Worker", worker)
# A nightly job at 02:30 Berlin time.
nightly = ep.ScheduleOptions(expression="cron(30 2 * * ? *)", time_zone="Europe/Berlin")
job = ep.ScheduledJobProps(container=image("report", alive), cluster=cluster, schedule=nightly)
ep.ScheduledJob(Stack(app, "Nightly", env=env), "Report", job)

if __name__ == "__main__":
    app.synth()
