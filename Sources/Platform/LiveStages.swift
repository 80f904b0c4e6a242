import AlertDelivery
import Events
import Gazetteer
import Kafka
import Logging
import MQTT
import Processors
import Projections
import ServiceLifecycle

/// The live layer's processing services: the followers of definitions and fence polygons, the
/// aggregator, the alerting processor and alert delivery. Followers come first, so a graceful
/// shutdown stops the stages before what they read from.
enum LiveStages {
    static func processors(
        _ configuration: PlatformConfiguration, producer: KafkaProducer, gazetteer: GazetteerEngine?, readiness: Readiness
    ) -> [any Service] {
        let kafka = configuration.kafkaClient
        let entities = EntityPolygons(kafka: kafka, logger: Logger(label: "shikong.live.entities"))
        let aggregations = DefinitionFollower<AggregationDefinition>(kafka: kafka, logger: Logger(label: "shikong.live.definitions"))
        let rules = DefinitionFollower<AlertRule>(kafka: kafka, logger: Logger(label: "shikong.live.definitions"))
        let geofences = DefinitionFollower<GeofenceDefinition>(kafka: kafka, logger: Logger(label: "shikong.live.definitions"))
        var aggregatorConfiguration = AggregatorStage.Configuration(kafka: kafka, group: configuration.group("aggregator"))
        aggregatorConfiguration.checkpointInterval = configuration.liveCheckpointInterval
        aggregatorConfiguration.readiness = readiness
        var alertConfiguration = AlertStage.Configuration(kafka: kafka, group: configuration.group("alerts"))
        alertConfiguration.checkpointInterval = configuration.liveCheckpointInterval
        alertConfiguration.readiness = readiness
        var delivery = AlertDeliveryStage.Configuration(
            consumer: KafkaConsumerConfiguration(client: kafka, groupID: configuration.group("delivery")))
        delivery.retry = configuration.webhookRetry
        delivery.mqtt = MQTTConnection(
            host: configuration.mqttHost, port: configuration.mqttPort, clientID: "\(configuration.instance)-alert-delivery",
            username: configuration.mqttUsername, password: configuration.mqttPassword)
        delivery.mqtt?.caFile = configuration.mqttCAFile
        return [
            entities, aggregations, rules, geofences,
            AggregatorStage(
                configuration: aggregatorConfiguration, definitions: aggregations, regions: RegionLookup(entities: entities, gazetteer: gazetteer),
                producer: producer, logger: Logger(label: "shikong.aggregator")),
            AlertStage(
                configuration: alertConfiguration, rules: rules, geofences: geofences, entities: entities, compile: LiveConditions.compiler,
                producer: producer, logger: Logger(label: "shikong.alerts")),
            AlertDeliveryStage(
                configuration: delivery, rules: rules, client: HTTPWebhookClient(), producer: producer, logger: Logger(label: "shikong.delivery")),
        ]
    }
}
