import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PatientsModule } from '../patients/patients.module';
import { MEDICAL_TEST_MODEL, MedicalTestSchema } from './medical-test.schema';
import { MedicalTestsController } from './medical-tests.controller';
import { MedicalTestsRepository } from './medical-tests.repository';
import { MedicalTestsService } from './medical-tests.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: MEDICAL_TEST_MODEL, schema: MedicalTestSchema },
    ]),
    PatientsModule,
  ],
  controllers: [MedicalTestsController],
  providers: [MedicalTestsService, MedicalTestsRepository],
  exports: [MedicalTestsService],
})
export class MedicalTestsModule {}
