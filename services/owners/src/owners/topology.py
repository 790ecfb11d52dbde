"""What the owners service publishes and consumes on RabbitMQ."""

from servicekit.topology import Topology

# Owners publishes to owners.events and consumes nothing yet.
TOPOLOGY = Topology(service="owners")
