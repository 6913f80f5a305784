import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:isPublic';

/** Marks a route that needs no API key (only the health probe). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
