//! The table definition, for tests against an emulator and for operators who create
//! the table by hand; template.yaml declares the same table for deployments.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;

/// Due items are spread over this many partitions so one hot partition never holds
/// all due work; `due_before` queries each.
pub const DUE_SHARDS: u32 = 16;

fn key(name: &str, kind: KeyType) -> anyhow::Result<KeySchemaElement> {
    Ok(KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()?)
}

fn attr(name: &str) -> anyhow::Result<AttributeDefinition> {
    Ok(AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()?)
}

fn index(name: &str) -> anyhow::Result<GlobalSecondaryIndex> {
    Ok(GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key(&format!("{name}pk"), KeyType::Hash)?)
        .key_schema(key(&format!("{name}sk"), KeyType::Range)?)
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()?)
}

/// Creates the table (on-demand billing, two overloaded indexes, TTL on `ttl`).
pub async fn create_table(config: &aws_config::SdkConfig, table: &str) -> anyhow::Result<()> {
    let client = Client::new(config);
    client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("pk", KeyType::Hash)?)
        .key_schema(key("sk", KeyType::Range)?)
        .set_attribute_definitions(Some(vec![
            attr("pk")?,
            attr("sk")?,
            attr("gsi1pk")?,
            attr("gsi1sk")?,
            attr("gsi2pk")?,
            attr("gsi2sk")?,
        ]))
        .global_secondary_indexes(index("gsi1")?)
        .global_secondary_indexes(index("gsi2")?)
        .send()
        .await?;
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name("ttl")
                .enabled(true)
                .build()?,
        )
        .send()
        .await?;
    Ok(())
}
