import { isCosmosDbUri, mongooseOptions } from './mongoose-options';

describe('mongooseOptions', () => {
  const cosmos =
    'mongodb://acct:secret@cosmos-ptestsdev1ab2c-pt.mongo.cosmos.azure.com:10255/?ssl=true&retrywrites=false&replicaSet=globaldb';

  it('leaves index creation to Terraform on Cosmos DB, whose account key may not create indexes', () => {
    expect(mongooseOptions(cosmos, 'patient-tests')).toMatchObject({
      autoIndex: false,
    });
  });

  it('creates the indexes itself on MongoDB and FerretDB', () => {
    expect(
      mongooseOptions('mongodb://127.0.0.1:27017/', 'patient-tests'),
    ).toMatchObject({ autoIndex: true });
    expect(
      mongooseOptions(
        'mongodb://u:p@db.example.com/?note=.mongo.cosmos.azure.com',
        'audit',
      ),
    ).toMatchObject({ autoIndex: true });
  });

  it('recognises Cosmos DB host names of every cloud, with or without credentials', () => {
    expect(isCosmosDbUri(cosmos)).toBe(true);
    expect(isCosmosDbUri('mongodb://a.mongo.cosmos.azure.us:10255/')).toBe(
      true,
    );
    expect(isCosmosDbUri('mongodb+srv://u:p@a.mongo.cosmos.azure.cn/')).toBe(
      true,
    );
    expect(isCosmosDbUri('mongodb://mongo.cosmos.azure.com.evil.test/')).toBe(
      false,
    );
  });
});
